import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { main } from '../../src/cli/main.js';
import { decodePng } from '../../src/image/pngDecoder.js';

/** Runs the CLI in-process and returns its exit code and what it printed. */
async function run(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  vi.spyOn(console, 'log').mockImplementation((...a: unknown[]) => void out.push(a.join(' ')));
  vi.spyOn(console, 'error').mockImplementation((...a: unknown[]) => void err.push(a.join(' ')));
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
    err.push(String(chunk));
    return true;
  });
  const code = await main(argv);
  vi.restoreAllMocks();
  return { code, out: out.join('\n'), err: err.join('') };
}

afterEach(() => {
  vi.restoreAllMocks();
  process.exitCode = undefined;
});

const temp = () => mkdtempSync(join(tmpdir(), 'dag-gan-cli-'));

describe('dag-gan CLI errors: one line, exit code 2', () => {
  const cases: [string, string[], RegExp][] = [
    ['unknown command', ['trian'], /unknown command 'trian'; commands: train/],
    [
      'unknown flag',
      ['train', '--stpes', '3'],
      /dag-gan train: unknown flag --stpes; see dag-gan train --help/,
    ],
    [
      'non-numeric steps',
      ['train', '--steps', 'many'],
      /--steps: expected a whole number, got 'many'/,
    ],
    ['zero batch', ['train', '--batch', '0'], /--batch: expected a whole number >= 1, got 0/],
    [
      'bad fraction',
      ['train', '--data-fraction', '1.5'],
      /--data-fraction: expected a number > 0 and <= 1/,
    ],
    [
      'unknown policy',
      ['train', '--policy', 'rotation,zoom'],
      /--policy: unknown policy 'zoom'; known policies/,
    ],
    ['bad policy weight', ['train', '--policy', 'rotation:-1'], /weight '-1' of policy 'rotation'/],
    [
      'unknown loss',
      ['train', '--loss', 'wgan'],
      /--loss: expected one of ns, hinge, lsgan, wgan-gp/,
    ],
    [
      'mode none with a policy',
      ['train', '--mode', 'none', '--policy', 'rotation'],
      /--mode none uses no augmentation/,
    ],
    [
      'missing data folder',
      [
        'train',
        '--data',
        '/nonexistent/fmnist',
        '--backend',
        'cpu',
        '--out',
        join(tmpdir(), 'never'),
      ],
      /nonexistent\/fmnist/,
    ],
    ['resume of nothing', ['train', '--resume', '/nonexistent/run'], /no config.json there/],
    [
      'resume changing the loss',
      ['train', '--resume', '/nonexistent/run', '--loss', 'ns'],
      /--loss cannot change when a run is resumed/,
    ],
    ['sample without a run', ['sample', '--out', 'x.png'], /--run DIR is required/],
    [
      'augment to a non-png',
      ['augment', '--policy', 'rotation', '--out', 'x.jpg'],
      /give a .png file name/,
    ],
    [
      'metrics on a missing file',
      ['metrics', 'fid', '--real', '/nonexistent/r.npy', '--fake', '/nonexistent/f.npy'],
      /r\.npy/,
    ],
  ];
  for (const [what, argv, message] of cases) {
    it(`${what}: dag-gan ${argv.join(' ')}`, async () => {
      const { code, err } = await run(...argv);
      expect(code).toBe(2);
      expect(err).toMatch(message);
      expect(
        err
          .trim()
          .split('\n')
          .filter((l) => l.startsWith('error:') || l.startsWith('dag-gan:')),
      ).toHaveLength(1);
      expect(err).not.toMatch(/\n\s+at /); // no stack trace
    });
  }

  it("a negative value gets the flag's own range error: train --lr -1", async () => {
    const { code, err } = await run('train', '--lr', '-1');
    expect(code).toBe(2);
    expect(err.trim()).toBe('error: --lr: expected a number > 0, got -1');
  });

  it('non-square images: one line, and no run folder is written', async () => {
    const dir = temp();
    const count = 70;
    const header = (magic: number, dims: number[]) => {
      const b = Buffer.alloc(4 + 4 * dims.length);
      b.writeUInt32BE(magic, 0);
      dims.forEach((d, i) => b.writeUInt32BE(d, 4 + 4 * i));
      return b;
    };
    writeFileSync(
      join(dir, 'train-images-idx3-ubyte'),
      Buffer.concat([header(0x803, [count, 28, 20]), Buffer.alloc(count * 28 * 20, 7)]),
    );
    writeFileSync(
      join(dir, 'train-labels-idx1-ubyte'),
      Buffer.concat([header(0x801, [count]), Buffer.alloc(count, 1)]),
    );
    const out = join(dir, 'run');
    const { code, err } = await run('train', '--data', dir, '--backend', 'cpu', '--out', out);
    expect(code).toBe(2);
    expect(err).toMatch(/images are 28x20 \(height x width\); the DCGAN models need square images/);
    expect(existsSync(out)).toBe(false);
  });

  it('a batch larger than the data: one line, and no config.json is left to block a retry', async () => {
    const out = join(temp(), 'run');
    const { code, err } = await run(
      'train',
      '--data-fraction',
      '0.001',
      '--backend',
      'cpu',
      '--dim',
      '2',
      '--out',
      out,
    );
    expect(code).toBe(2);
    expect(err).toMatch(/--batch 64 is larger than/);
    expect(existsSync(join(out, 'config.json'))).toBe(false);
  });

  it('--out naming a file', async () => {
    const file = join(temp(), 'x.npy');
    writeFileSync(file, 'not a folder');
    const { code, err } = await run('train', '--out', file, '--backend', 'cpu');
    expect(code).toBe(2);
    expect(err).toMatch(/is a file, not a folder/);
  });

  it('classifier train will not overwrite a classifier without --force', async () => {
    const { code, err } = await run(
      'classifier',
      'train',
      '--out',
      'models/fashion-mnist-classifier',
      '--steps',
      '1',
      '--backend',
      'cpu',
    );
    expect(code).toBe(2);
    expect(err).toMatch(/already holds a classifier; pass --force .*the shipped one/);
  });

  it('a corrupt IDX file is named in the error', async () => {
    const dir = temp();
    writeFileSync(join(dir, 'train-images-idx3-ubyte'), Buffer.from([0, 0, 8, 3, 0, 0, 0, 9]));
    writeFileSync(join(dir, 'train-labels-idx1-ubyte'), Buffer.from([0, 0, 8, 1, 0, 0, 0, 9]));
    const { code, err } = await run(
      'train',
      '--data',
      dir,
      '--backend',
      'cpu',
      '--out',
      join(dir, 'run'),
    );
    expect(code).toBe(2);
    expect(err).toMatch(/train-images-idx3-ubyte/);
    expect(existsSync(join(dir, 'run', 'checkpoints'))).toBe(false);
  });
});

describe('dag-gan commands on real data (cpu backend)', () => {
  it('augment --policy rotation,cropping writes a grid of 9 views per image', async () => {
    const out = join(temp(), 'views.png');
    const { code, out: printed } = await run(
      'augment',
      '--policy',
      'rotation,cropping',
      '--count',
      '3',
      '--out',
      out,
      '--backend',
      'cpu',
    );
    expect(code).toBe(0);
    expect(printed).toMatch(/rotation\/rotate90.*cropping\/crop-bottom-right/);
    const png = decodePng(readFileSync(out));
    expect(png.width).toBe(9 * 28 + 10 * 2);
    expect(png.height).toBe(3 * 28 + 4 * 2);
  });

  it('train then sample from the run', async () => {
    const dir = temp();
    const runDir = join(dir, 'run');
    const trained = await run(
      'train',
      '--backend',
      'cpu',
      '--dim',
      '2',
      '--batch',
      '4',
      '--steps',
      '2',
      '--data-fraction',
      '0.01',
      '--out',
      runDir,
    );
    expect(trained.code).toBe(0);
    expect(trained.err).toMatch(/done: 2 steps/);
    const grid = join(dir, 'samples.png');
    const sampled = await run(
      'sample',
      '--run',
      runDir,
      '--out',
      grid,
      '--count',
      '6',
      '--backend',
      'cpu',
    );
    expect(sampled.code).toBe(0);
    expect(sampled.out).toMatch(/wrote 6 samples of step 2/);
    expect(decodePng(readFileSync(grid)).channels).toBe(1);
  });
});

describe('the installed command', () => {
  const bin = join(__dirname, '..', '..', 'bin', 'dag-gan.js');
  const built = join(__dirname, '..', '..', 'dist', 'src', 'cli', 'main.js');

  it('exits non-zero with one line on a bad flag (needs `npm run build`)', () => {
    expect(existsSync(built), 'dist/ is missing: run npm run build first').toBe(true);
    const result = spawnSync(process.execPath, [bin, 'train', '--steps', '0'], {
      encoding: 'utf8',
    });
    expect(result.status).toBe(2);
    expect(result.stderr.trim()).toBe('error: --steps: expected a whole number >= 1, got 0');
  });

  it('Ctrl-C saves a checkpoint, exits 130, and --resume finishes the run', async () => {
    expect(existsSync(built), 'dist/ is missing: run npm run build first').toBe(true);
    const runDir = join(temp(), 'run');
    const args = [
      bin,
      'train',
      '--backend',
      'cpu',
      '--dim',
      '2',
      '--batch',
      '4',
      '--data-fraction',
      '0.01',
      '--steps',
      '100000',
      '--log-every',
      '1',
      '--out',
      runDir,
    ];
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    const exited = new Promise<number | null>((resolve) =>
      child.on('exit', (code) => resolve(code)),
    );
    await new Promise<void>((resolve) => {
      child.stderr.on('data', (chunk: Buffer) => {
        stderr += chunk.toString();
        if (/step \d+\/100000/.test(stderr)) resolve();
      });
    });
    child.kill('SIGINT');
    expect(await exited).toBe(130);
    expect(stderr).toMatch(
      /stopped at step \d+; checkpoint .*step-\d+\.ckpt; continue with dag-gan train --resume/,
    );
    const stoppedAt = Number(/stopped at step (\d+)/.exec(stderr)?.[1]);
    const resumed = spawnSync(
      process.execPath,
      [bin, 'train', '--resume', runDir, '--steps', String(stoppedAt + 2), '--backend', 'cpu'],
      { encoding: 'utf8' },
    );
    expect(resumed.status, resumed.stderr).toBe(0);
    expect(resumed.stderr).toMatch(new RegExp(`resumed from .* at step ${stoppedAt}`));
    expect(resumed.stderr).toMatch(new RegExp(`done: ${stoppedAt + 2} steps`));
    const again = spawnSync(
      process.execPath,
      [bin, 'train', '--resume', runDir, '--backend', 'cpu'],
      { encoding: 'utf8' },
    );
    expect(again.status).toBe(2);
    expect(again.stderr).toMatch(/the run is at step \d+ already; pass --steps N/);
  });
});
