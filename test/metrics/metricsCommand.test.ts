import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { metricsCommand } from '../../src/cli/metricsCommand.js';
import { UserError } from '../../src/errors.js';
import { writeNpy } from '../../src/io/npy.js';
import { gaussian } from './referenceLinalg.js';

const dir = mkdtempSync(join(tmpdir(), 'metrics-cli-'));
const file = (name: string) => join(dir, name);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

beforeAll(() => {
  writeNpy(file('real.npy'), {
    dtype: 'float32',
    shape: [12, 3],
    data: Float32Array.from(gaussian(1, 36)),
  });
  writeNpy(file('fake.npy'), {
    dtype: 'float64',
    shape: [10, 3],
    data: gaussian(2, 30).map((v) => v + 0.5),
  });
  writeNpy(file('wide.npy'), { dtype: 'float64', shape: [10, 4], data: gaussian(3, 40) });
  const probs = new Float64Array(8 * 4);
  for (let i = 0; i < 8; i++) probs[i * 4 + (i % 4)] = 1;
  writeNpy(file('probs.npy'), { dtype: 'float64', shape: [8, 4], data: probs });
  writeNpy(file('logits.npy'), {
    dtype: 'float32',
    shape: [2, 2],
    data: Float32Array.from([3, -1, 0.5, 2]),
  });
});

let output = '';
function captureStdout(): void {
  output = '';
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    output += String(chunk);
    return true;
  });
}
afterEach(() => vi.restoreAllMocks());

async function userError(argv: string[]): Promise<string> {
  const error = await metricsCommand(argv).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(UserError);
  return (error as Error).message;
}

describe('metricsCommand', () => {
  it('metrics fid --json on float32 real [12,3] and float64 fake [10,3]', async () => {
    captureStdout();
    await metricsCommand(['fid', '--real', file('real.npy'), '--fake', file('fake.npy'), '--json']);
    const result = JSON.parse(output);
    expect(result).toMatchObject({ metric: 'fid', realSamples: 12, fakeSamples: 10, dims: 3 });
    expect(result.provenance).toEqual({ realFile: file('real.npy'), fakeFile: file('fake.npy') });
    expect(result.value).toBeGreaterThan(0);
    expect(output.trim().split('\n')).toHaveLength(1);
  });

  it('metrics fid prints one human-readable line', async () => {
    captureStdout();
    await metricsCommand(['fid', '--real', file('real.npy'), '--fake', file('fake.npy')]);
    expect(output).toMatch(
      /^FID \d+\.\d+ \(12 real \/ 10 fake, 3 dims, (typescript|native) eigensolver\)\n$/,
    );
  });

  it('metrics kid --subsets 3 --subset-size 50 --seed 4 caps and notes', async () => {
    captureStdout();
    await metricsCommand([
      'kid',
      '--real',
      file('real.npy'),
      '--fake',
      file('fake.npy'),
      '--subsets',
      '3',
      '--subset-size',
      '50',
      '--seed',
      '4',
      '--json',
    ]);
    const r = JSON.parse(output);
    expect(r).toMatchObject({ metric: 'kid', subsets: 3, subsetSize: 10, seed: 4 });
    expect(r.note).toMatch(/capped/);
  });

  it('metrics pr --k 2 and is --splits 2', async () => {
    captureStdout();
    await metricsCommand([
      'pr',
      '--real',
      file('real.npy'),
      '--fake',
      file('fake.npy'),
      '--k',
      '2',
    ]);
    expect(output).toMatch(
      /^precision [\d.]+ recall [\d.]+ \(k = 2, 12 real \/ 10 fake, 3 dims\)\n$/,
    );
    captureStdout();
    await metricsCommand(['is', '--probs', file('probs.npy'), '--splits', '2', '--json']);
    expect(JSON.parse(output)).toMatchObject({ metric: 'is', splits: 2, samples: 8, classes: 4 });
    expect(JSON.parse(output).value).toBeCloseTo(4, 12);
  });

  it('metrics errors name the flag or file', async () => {
    expect(await userError(['fid', '--fake', file('fake.npy')])).toMatch(/--real is required/);
    expect(
      await userError(['fid', '--real', file('nope.npy'), '--fake', file('fake.npy')]),
    ).toMatch(/--real .*nope\.npy does not exist/);
    expect(
      await userError(['fid', '--real', file('real.npy'), '--fake', file('wide.npy')]),
    ).toMatch(/--real .*real\.npy has 3 dims but --fake .*wide\.npy has 4/);
    expect(
      await userError(['fid', '--real', file('real.npy'), '--fake', file('fake.npy'), '--bogus']),
    ).toMatch(/metrics fid: Unknown option '--bogus'/);
    expect(
      await userError(['fid', '--real', file('real.npy'), '--fake', file('fake.npy'), '--k', '3']),
    ).toMatch(/--k does not apply/);
    expect(
      await userError([
        'kid',
        '--real',
        file('real.npy'),
        '--fake',
        file('fake.npy'),
        '--subsets',
        'many',
      ]),
    ).toMatch(/--subsets expects an integer >= 1, got 'many'/);
    expect(
      await userError(['pr', '--real', file('real.npy'), '--fake', file('fake.npy'), '--k', '12']),
    ).toMatch(/--real .* has 12 samples; pr needs at least 13/);
    expect(await userError(['is', '--probs', file('logits.npy'), '--splits', '1'])).toMatch(
      /logits\.npy: inceptionScore: expected probabilities/,
    );
    expect(
      await userError(['fid', '--real', file('real.npy'), '--fake', file('fake.npy'), 'extra']),
    ).toMatch(/unexpected argument 'extra'/);
    expect(await userError(['mmd'])).toMatch(/unknown metric 'mmd'/);
  });
});
