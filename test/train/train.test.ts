import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { decodePng } from '../../src/image/pngDecoder.js';
import { listCheckpoints } from '../../src/train/checkpoint.js';
import { MetricsLog } from '../../src/train/metricsLog.js';
import { runTraining } from '../../src/train/runTraining.js';
import { DEFAULT_CONFIG, lossDefaults, type TrainConfig } from '../../src/train/trainConfig.js';
import { ProgressReporter } from '../../src/train/progressReporter.js';
import { useBackend } from '../helpers.js';

beforeAll(async () => useBackend('cpu'));

/** A run small enough for the cpu backend: 60 real images, D and G of width 2. */
function tinyConfig(overrides: Partial<TrainConfig> = {}): TrainConfig {
  return {
    ...DEFAULT_CONFIG,
    ...lossDefaults('ns'),
    policy: 'rotation',
    dataFraction: 0.01,
    dim: 2,
    batch: 4,
    steps: 4,
    logEvery: 1,
    sampleEvery: 2,
    checkpointEvery: 2,
    ...overrides,
  };
}

const quiet = () =>
  new ProgressReporter({ isTTY: false, write: () => true } as unknown as NodeJS.WriteStream);
const tempDir = () => mkdtempSync(join(tmpdir(), 'dag-gan-train-'));

describe('train, tiny run on cpu (dim 2, batch 4, 60 images)', () => {
  it('writes config.json, metrics.jsonl, samples and checkpoints', async () => {
    const out = tempDir();
    const result = await runTraining(tinyConfig(), { out, resume: false, reporter: quiet() });
    expect(result.step).toBe(4);

    const config = JSON.parse(readFileSync(join(out, 'config.json'), 'utf8')) as TrainConfig;
    expect(config.imageSize).toBe(28);
    expect(config.channels).toBe(1);
    expect(config.lr).toBe(2e-4);

    const records = MetricsLog.read(join(out, 'metrics.jsonl'));
    expect(records.map((r) => r.step)).toEqual([1, 2, 3, 4]);
    for (const record of records) {
      for (const key of [
        'loss/D',
        'loss/G',
        'loss/D/main',
        'loss/D/dag/rotation/rotate90',
        'loss/G/dag/rotation/rotate270',
        'images_per_second',
      ]) {
        expect(Number.isFinite(record[key]), key).toBe(true);
      }
    }

    const samples = readdirSync(join(out, 'samples')).sort();
    expect(samples).toEqual(['step-0000000.png', 'step-0000002.png', 'step-0000004.png']);
    const grid = decodePng(readFileSync(join(out, 'samples', 'step-0000004.png')));
    expect(grid.channels).toBe(1);
    expect(grid.width).toBe(8 * 28 + 9 * 2);

    expect(listCheckpoints(join(out, 'checkpoints')).map((c) => c.step)).toEqual([4, 2]);
    expect(readdirSync(out).some((name) => name.includes('.tmp'))).toBe(false);
  });

  it('refuses to overwrite a run folder without --resume', async () => {
    const out = tempDir();
    await runTraining(tinyConfig({ steps: 1 }), { out, resume: false, reporter: quiet() });
    await expect(
      runTraining(tinyConfig({ steps: 1 }), { out, resume: false, reporter: quiet() }),
    ).rejects.toThrow(/already holds a run.*--resume/);
  });

  for (const loss of ['ns', 'wgan-gp'] as const) {
    it(`a resumed run repeats the uninterrupted one exactly, loss ${loss}`, async () => {
      const overrides: Partial<TrainConfig> = {
        ...lossDefaults(loss),
        loss,
        policy: loss === 'ns' ? 'rotation,translation' : 'cropping',
        nCritic: 2,
      };
      const straight = tempDir();
      await runTraining(tinyConfig(overrides), { out: straight, resume: false, reporter: quiet() });

      const interrupted = tempDir();
      let steps = 0;
      const first = await runTraining(tinyConfig(overrides), {
        out: interrupted,
        resume: false,
        reporter: quiet(),
        stopRequested: () => ++steps >= 3, // Ctrl-C during step 3
      });
      expect(first.stopped).toBe(true);
      expect(first.step).toBe(3);
      const second = await runTraining(tinyConfig(overrides), {
        out: interrupted,
        resume: true,
        reporter: quiet(),
      });
      expect(second.step).toBe(4);

      const a = MetricsLog.read(join(straight, 'metrics.jsonl'));
      const b = MetricsLog.read(join(interrupted, 'metrics.jsonl'));
      expect(b.map((r) => r.step)).toEqual([1, 2, 3, 4]);
      for (let i = 0; i < a.length; i++) {
        for (const key of Object.keys(a[i] as object)) {
          if (key === 'seconds' || key === 'images_per_second') continue;
          expect(b[i]?.[key], `step ${i + 1} ${key}`).toBe(a[i]?.[key]);
        }
      }
    });
  }

  it('a torn checkpoint is skipped and the previous one is used', async () => {
    const out = tempDir();
    await runTraining(tinyConfig(), { out, resume: false, reporter: quiet() });
    const newest = listCheckpoints(join(out, 'checkpoints'))[0]?.path as string;
    const { truncateSync } = await import('node:fs');
    truncateSync(newest, 100);
    const messages: string[] = [];
    const reporter = new ProgressReporter({
      isTTY: false,
      write: (text: string) => messages.push(text),
    } as unknown as NodeJS.WriteStream);
    const result = await runTraining(tinyConfig({ steps: 4 }), { out, resume: true, reporter });
    expect(messages.join('')).toMatch(/skipped: .*step-0000004\.ckpt: not a usable checkpoint/);
    expect(messages.join('')).toMatch(/resumed from .*step-0000002\.ckpt at step 2/);
    expect(result.step).toBe(4);
    expect(existsSync(newest)).toBe(true);
  });

  it('--eval-every logs FID, KID, precision and recall and keeps the best checkpoint', async () => {
    const out = tempDir();
    await runTraining(tinyConfig({ evalEvery: 2, evalSamples: 40 }), {
      out,
      resume: false,
      reporter: quiet(),
    });
    const records = MetricsLog.read(join(out, 'metrics.jsonl'));
    const evaluated = records.filter((r) => 'metrics/fid' in r);
    expect(evaluated.map((r) => r.step)).toEqual([2, 4]);
    for (const record of evaluated) {
      for (const key of ['metrics/fid', 'metrics/kid', 'metrics/precision', 'metrics/recall']) {
        expect(Number.isFinite(record[key]), key).toBe(true);
      }
    }
    const best = JSON.parse(readFileSync(join(out, 'checkpoints', 'best.json'), 'utf8'));
    const fids = evaluated.map((r) => r['metrics/fid'] as number);
    expect(best.fid).toBe(Math.min(...fids));
    expect(best.step).toBe(evaluated[fids.indexOf(best.fid)]?.step);
    expect(existsSync(join(out, 'checkpoints', 'best.ckpt'))).toBe(true);
  });
});
