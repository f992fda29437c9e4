import { join } from 'node:path';
import { BACKEND_CHOICES, selectBackend, type BackendChoice } from '../backends/selectBackend.js';
import { UserError } from '../errors.js';
import { loadExtractor } from '../eval/loadExtractor.js';
import { expandGrid, readGrid } from '../experiment/experimentGrid.js';
import { runConfig, runExperiment, runFinished } from '../experiment/runExperiment.js';
import { choiceFlag, parseFlags } from './flags.js';

const HELP = `usage: dag-gan experiment GRID.json [--out DIR] [--data DIR] [--backend B] [--list]

Trains every run of a grid (settings x data fractions x seeds) one after another, each in its
own folder under --out, evaluates all their checkpoints (eval.jsonl in each run), and writes
results.md, results.csv and fid-vs-steps.svg into --out. Stopped (Ctrl-C) or killed, the same
command continues: finished runs are skipped, an unfinished one resumes from its checkpoint.

  --out DIR      experiment folder                        [runs/experiments/<grid name>]
  --data DIR     IDX folder replacing the grid's "data" (e.g. all of Fashion-MNIST)
  --backend B    auto | torch | wasm | cpu, for every run [the grid's, else auto]
  --list         print the runs and whether each is done, and exit

A grid file is JSON:
  { "name": "limited-data", "data": "fashion-mnist-full", "dataFractions": [0.1, 0.2],
    "seeds": [0, 1], "train": { "steps": 3000, "checkpoint-every": 250 },
    "settings": [ { "name": "dag-rotation", "train": { "mode": "dag", "policy": "rotation" } } ],
    "eval": { "samples": 2000, "extractor": "default", "kidSubsets": 50, "kidSubsetSize": 500 } }
"train" objects take the flags of dag-gan train (without dashes); every checkpoint is kept.`;

/** `dag-gan experiment GRID.json ...`. */
export async function experimentCommand(argv: string[]): Promise<void> {
  const { values, positionals } = parseFlags('experiment', argv, {
    help: { type: 'boolean', short: 'h' },
    out: { type: 'string' },
    data: { type: 'string' },
    backend: { type: 'string' },
    list: { type: 'boolean' },
  } as const);
  if (values.help) {
    console.log(HELP);
    return;
  }
  if (positionals.length !== 1) {
    throw new UserError(
      `dag-gan experiment: expected one grid file (e.g. experiments/limited-data.json), got ` +
        `${positionals.length === 0 ? 'none' : positionals.join(' ')}`,
    );
  }
  const grid = readGrid(positionals[0] as string);
  const out = values.out ?? join('runs', 'experiments', grid.name);
  const backendFlag =
    values.backend !== undefined
      ? choiceFlag('backend', values.backend, BACKEND_CHOICES, 'auto')
      : undefined;
  if (values.list) {
    const effective = { ...grid, data: values.data ?? grid.data };
    for (const run of expandGrid(effective)) {
      const config = runConfig(run, {});
      const done = runFinished(join(out, run.folder), config.steps);
      const state = done ? 'done   ' : 'pending';
      console.log(`${state} ${run.settingId} seed ${run.seed} -> ${join(out, run.folder)}`);
    }
    return;
  }
  const backend = backendFlag ?? String(grid.train.backend ?? 'auto');
  await selectBackend(backend as BackendChoice);
  const extractor = await loadExtractor(grid.eval.extractor ?? 'default');
  let stop = false;
  const onSignal = () => {
    if (stop) process.exit(130);
    stop = true;
    process.stderr.write(
      '\nstopping after this step; saving a checkpoint (Ctrl-C again to abort)\n',
    );
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    const summary = await runExperiment(grid, {
      out,
      extractor,
      ...(values.data !== undefined ? { data: values.data } : {}),
      ...(backendFlag !== undefined ? { backend: backendFlag } : {}),
      stopRequested: () => stop,
    });
    if (summary.stopped) process.exitCode = 130;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    extractor.dispose();
  }
}
