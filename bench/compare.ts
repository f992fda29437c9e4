/**
 * Runs dag-gan's DAG iteration and the PyTorch reference iteration side by side, one after
 * the other in the same run, and prints a Markdown table with the ratio ours / PyTorch.
 *
 *   node dist/bench/compare.js --reference path/to/torch_dag_step.py [--python python3] \
 *     [--backends torch,wasm] [--steps 20] [--dim 64] [--batch 64]
 *
 * PyTorch runs with OPENBLAS_NUM_THREADS=1, its fastest setting on two cores; `--batched`
 * runs its views-in-one-call variant too.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: {
    reference: { type: 'string' },
    python: { type: 'string', default: 'python3' },
    backends: { type: 'string', default: 'torch' },
    steps: { type: 'string', default: '20' },
    dim: { type: 'string', default: '64' },
    batch: { type: 'string', default: '64' },
    threads: { type: 'string', default: '2' },
    // Cases are policy/loss pairs separated by semicolons.
    cases: { type: 'string', default: 'rotation/ns;rotation,cropping/ns;rotation/wgan-gp' },
    batched: { type: 'boolean', default: false },
  },
});
if (!values.reference || !existsSync(values.reference)) {
  console.error('bench/compare: --reference must name the PyTorch torch_dag_step.py script');
  process.exit(2);
}

interface Timing {
  ms_per_iter_median: number;
  ms_per_iter_min: number;
}

function runJson(command: string, args: string[], env: NodeJS.ProcessEnv): Timing {
  const result = spawnSync(command, args, { encoding: 'utf8', env: { ...process.env, ...env } });
  const line = result.stdout.trim().split('\n').pop() ?? '';
  try {
    return JSON.parse(line) as Timing;
  } catch {
    throw new Error(`${command} ${args.join(' ')} failed:\n${result.stderr}`);
  }
}

const ours = join(dirname(fileURLToPath(import.meta.url)), 'dagStep.js');
const common = ['--dim', values.dim, '--batch', values.batch, '--steps', values.steps];
const rows: string[] = [];
for (const spec of values.cases.split(';')) {
  const slash = spec.lastIndexOf('/');
  const policy = spec.slice(0, slash);
  const loss = spec.slice(slash + 1);
  const reference = runJson(
    values.python,
    [values.reference, ...common, '--threads', values.threads, '--policy', policy, '--loss', loss],
    { OPENBLAS_NUM_THREADS: '1' },
  );
  const referenceBatched = values.batched
    ? runJson(
        values.python,
        [
          values.reference,
          ...common,
          '--threads',
          values.threads,
          '--policy',
          policy,
          '--loss',
          loss,
          '--batched',
        ],
        { OPENBLAS_NUM_THREADS: '1' },
      )
    : null;
  const cells: string[] = [];
  for (const backend of values.backends.split(',')) {
    const mine = runJson(
      process.execPath,
      [ours, ...common, '--backend', backend, '--policy', policy, '--loss', loss, '--json'],
      { DAG_GAN_TORCH_THREADS: values.threads },
    );
    const ratio = mine.ms_per_iter_median / reference.ms_per_iter_median;
    cells.push(`${backend} ${mine.ms_per_iter_median.toFixed(0)} ms (${ratio.toFixed(2)}x)`);
  }
  const batched = referenceBatched ? ` / ${referenceBatched.ms_per_iter_median.toFixed(0)} ms` : '';
  rows.push(
    `| ${policy} | ${loss} | ${reference.ms_per_iter_median.toFixed(0)} ms${batched} | ${cells.join(' | ')} |`,
  );
  console.error(rows[rows.length - 1]);
}
const header = values.backends
  .split(',')
  .map((b) => `dag-gan ${b} (ratio)`)
  .join(' | ');
console.log(
  `| policy | loss | PyTorch${values.batched ? ' (per view / batched)' : ''} | ${header} |`,
);
console.log(
  `|---|---|---|${values.backends
    .split(',')
    .map(() => '---')
    .join('|')}|`,
);
for (const row of rows) console.log(row);
