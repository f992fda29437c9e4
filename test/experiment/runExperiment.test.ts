import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { classifierExtractor } from '../../src/eval/classifierExtractor.js';
import { parseGrid } from '../../src/experiment/experimentGrid.js';
import { runExperiment } from '../../src/experiment/runExperiment.js';
import { listCheckpoints } from '../../src/train/checkpoint.js';
import { expectClose, useBackend } from '../helpers.js';

beforeAll(async () => useBackend('cpu'));

const GRID = parseGrid({
  name: 'tiny',
  dataFractions: [0.01],
  seeds: [0],
  train: {
    steps: 4,
    dim: 4,
    batch: 4,
    'checkpoint-every': 2,
    'sample-every': 2,
    'log-every': 1,
    backend: 'cpu',
  },
  settings: [
    { name: 'none', train: { mode: 'none', policy: 'none' } },
    { name: 'dag-rotation', train: { mode: 'dag', policy: 'rotation' } },
  ],
  eval: { samples: 20, kidSubsets: 2, kidSubsetSize: 10 },
});

function lines(path: string): string[] {
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((l) => l !== '');
}

describe('experiment runner', () => {
  it('grid 2 settings x 1 seed, 4 steps, dim 4, cpu: stop, resume, results, rerun skips', async () => {
    const out = mkdtempSync(join(tmpdir(), 'dag-exp-'));
    const cacheDir = mkdtempSync(join(tmpdir(), 'dag-exp-cache-'));
    const extractor = classifierExtractor();
    const quiet = () => undefined;
    const runA = join(out, 'none-1pct', 'seed-0');
    const runB = join(out, 'dag-rotation-1pct', 'seed-0');

    // Stopped in the first step of the first run: a checkpoint at step 1, nothing else.
    const stopped = await runExperiment(GRID, {
      out,
      extractor,
      cacheDir,
      log: quiet,
      stopRequested: () => true,
    });
    expect(stopped.stopped).toBe(true);
    expect(stopped.trained).toEqual([runA]);
    expect(listCheckpoints(join(runA, 'checkpoints')).map((c) => c.step)).toEqual([1]);

    // Continued: the first run resumes from step 1, the second trains, both are evaluated.
    const resumed = await runExperiment(GRID, { out, extractor, cacheDir, log: quiet });
    expect(resumed.stopped).toBe(false);
    expect(resumed.trained).toEqual([runA, runB]);
    expect(resumed.skipped).toEqual([]);
    // Every checkpoint is kept: 1 (the stop), 2 and 4 for A; 2 and 4 for B.
    expect(
      listCheckpoints(join(runA, 'checkpoints'))
        .map((c) => c.step)
        .sort(),
    ).toEqual([1, 2, 4]);
    expect(lines(join(runA, 'eval.jsonl')).map((l) => JSON.parse(l).step)).toEqual([1, 2, 4]);
    expect(lines(join(runB, 'eval.jsonl')).map((l) => JSON.parse(l).step)).toEqual([2, 4]);

    const csv = lines(join(out, 'results.csv'));
    expect(csv[0]).toBe(
      'setting,mode,policy,data_fraction,seeds,steps,final_fid_mean,final_fid_std,best_fid_mean,' +
        'best_fid_std,final_kid_mean,final_kid_std,best_kid_mean,best_kid_std',
    );
    expect(csv).toHaveLength(3);
    const rowA = (csv[1] as string).split(',');
    const rowB = (csv[2] as string).split(',');
    expect(rowA.slice(0, 6)).toEqual(['none@1%', 'none', 'none', '0.01', '1', '4']);
    expect(rowB.slice(0, 6)).toEqual(['dag-rotation@1%', 'dag', 'rotation', '0.01', '1', '4']);
    // Final FID is the step-4 record; best is the minimum over steps; one seed has no std.
    const recordsA = lines(join(runA, 'eval.jsonl')).map(
      (l) => JSON.parse(l) as { fid: number; kid: number },
    );
    // The CSV keeps 6 significant digits.
    expectClose(
      [Number(rowA[6]), Number(rowA[8]), Number(rowA[12])],
      [
        recordsA[2]?.fid as number,
        Math.min(...recordsA.map((r) => r.fid)),
        Math.min(...recordsA.map((r) => r.kid)),
      ],
      { rtol: 1e-5, atol: 0 },
    );
    expect(rowA[7]).toBe('');

    const md = readFileSync(join(out, 'results.md'), 'utf8');
    expect(md).toContain('| none@1% | none | none | 1% | 1 | 4 |');
    expect(md).toContain('| dag-rotation@1% | dag | rotation | 1% | 1 | 4 |');
    expect(md).toContain('fashion-mnist-classifier');
    const svg = readFileSync(join(out, 'fid-vs-steps.svg'), 'utf8');
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg).toContain('>none@1%</text>');
    expect(svg).toContain('>dag-rotation@1%</text>');
    expect((svg.match(/<polyline /g) ?? []).length).toBe(2);

    // Rerun: nothing trained or evaluated again.
    const evalLines =
      lines(join(runA, 'eval.jsonl')).length + lines(join(runB, 'eval.jsonl')).length;
    const again = await runExperiment(GRID, { out, extractor, cacheDir, log: quiet });
    expect(again.trained).toEqual([]);
    expect(again.skipped).toEqual([runA, runB]);
    expect(lines(join(runA, 'eval.jsonl')).length + lines(join(runB, 'eval.jsonl')).length).toBe(
      evalLines,
    );
    expect(lines(join(out, 'results.csv'))).toEqual(csv);
    extractor.dispose();
  });

  it('grid data folder absent: UserError saying how to get Fashion-MNIST', async () => {
    const out = mkdtempSync(join(tmpdir(), 'dag-exp2-'));
    const extractor = classifierExtractor();
    const grid = { ...GRID, data: join(out, 'no-such-folder') };
    await expect(runExperiment(grid, { out, extractor, log: () => undefined })).rejects.toThrow(
      /cannot be read.*--data DIR/,
    );
    extractor.dispose();
  });
});
