import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { configFromFlags } from '../cli/trainCommand.js';
import { UserError } from '../errors.js';
import { evaluateRun } from '../eval/evaluateRun.js';
import type { FeatureExtractor } from '../eval/featureExtractor.js';
import { loadDataset } from '../data/loadDataset.js';
import { listCheckpoints } from '../train/checkpoint.js';
import type { ProgressReporter } from '../train/progressReporter.js';
import { readRunConfig, runTraining } from '../train/runTraining.js';
import type { TrainConfig } from '../train/trainConfig.js';
import { expandGrid, type ExperimentGrid, type GridRun } from './experimentGrid.js';
import { writeExperimentResults, type ExperimentResults } from './experimentResults.js';

export interface ExperimentOptions {
  /** Folder of the experiment: one sub-folder per run, results.md/csv and the plot. */
  out: string;
  extractor: FeatureExtractor;
  /** Overrides the grid's `data` (an IDX folder holding the full training set). */
  data?: string;
  /** Overrides every run's `--backend`. */
  backend?: string;
  /** Progress messages (one line each). */
  log?: (line: string) => void;
  /** Set to stop after the current training step; the runs stay resumable. */
  stopRequested?: () => boolean;
  /** Makes the reporter of each run's training progress; default: the train command's. */
  reporter?: () => ProgressReporter;
  /** Real-set feature cache folder. */
  cacheDir?: string;
}

/** What one pass over a grid did. */
export interface ExperimentSummary {
  /** Run folders trained (from scratch or resumed) in this pass. */
  trained: string[];
  /** Run folders whose training had already finished. */
  skipped: string[];
  stopped: boolean;
  results: ExperimentResults | null;
}

/** The resolved configuration of a grid run; every checkpoint is kept, to be evaluated. */
export function runConfig(run: GridRun, options: { backend?: string }): TrainConfig {
  const values: Record<string, string> = {};
  for (const [key, value] of Object.entries(run.flags)) values[key] = String(value);
  if (options.backend !== undefined) values.backend = options.backend;
  let config: TrainConfig;
  try {
    config = configFromFlags(values as Parameters<typeof configFromFlags>[0]);
  } catch (error) {
    // Name the setting: a grid's flags come from its file, not from the command line.
    if (error instanceof UserError) {
      throw new UserError(`grid setting '${run.setting.name}': ${error.message}`);
    }
    throw error;
  }
  // Best-FID needs every checkpoint, so the periodic ones are never pruned.
  config.keepCheckpoints = Math.ceil(config.steps / config.checkpointEvery) + 1;
  return config;
}

/** Whether a run folder's training reached its last step. */
export function runFinished(folder: string, steps: number): boolean {
  if (!existsSync(join(folder, 'config.json'))) return false;
  const newest = listCheckpoints(join(folder, 'checkpoints'))[0];
  return newest !== undefined && newest.step >= steps;
}

/**
 * Trains every run of `grid` that has not finished (resuming an interrupted one from its
 * checkpoint), evaluates each run's checkpoints that eval.jsonl lacks, then writes
 * results.md, results.csv and fid-vs-steps.svg into `out`. Running it again after an
 * interruption continues where it stopped; a finished run is neither retrained nor
 * re-evaluated.
 */
export async function runExperiment(
  grid: ExperimentGrid,
  options: ExperimentOptions,
): Promise<ExperimentSummary> {
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const data = options.data ?? grid.data;
  const effective: ExperimentGrid = { ...grid, data };
  checkData(data);
  const runs = expandGrid(effective);
  const summary: ExperimentSummary = { trained: [], skipped: [], stopped: false, results: null };
  const samples = grid.eval.samples ?? 2000;
  for (const [index, run] of runs.entries()) {
    const folder = join(options.out, run.folder);
    const config = runConfig(
      run,
      options.backend !== undefined ? { backend: options.backend } : {},
    );
    const label = `[${index + 1}/${runs.length}] ${run.settingId} seed ${run.seed}`;
    if (runFinished(folder, config.steps)) {
      summary.skipped.push(folder);
      log(`${label}: trained already (${folder})`);
    } else {
      const resume = existsSync(join(folder, 'config.json'));
      const resolved = resume ? { ...readRunConfig(folder), steps: config.steps } : config;
      log(`${label}: ${resume ? 'resuming' : 'training'} ${config.steps} steps -> ${folder}`);
      const result = await runTraining(resolved, {
        out: folder,
        resume,
        ...(options.reporter ? { reporter: options.reporter() } : {}),
        ...(options.stopRequested ? { stopRequested: options.stopRequested } : {}),
      });
      summary.trained.push(folder);
      if (result.stopped) {
        summary.stopped = true;
        log(`${label}: stopped at step ${result.step}; run the same command again to continue`);
        return summary;
      }
    }
    const written = await evaluateRun(folder, {
      extractor: options.extractor,
      samples,
      all: true,
      skipEvaluated: true,
      ...(grid.eval.kidSubsets !== undefined ? { kidSubsets: grid.eval.kidSubsets } : {}),
      ...(grid.eval.kidSubsetSize !== undefined ? { kidSubsetSize: grid.eval.kidSubsetSize } : {}),
      ...(options.cacheDir !== undefined ? { cacheDir: options.cacheDir } : {}),
    });
    if (written.length > 0) {
      const last = written[written.length - 1];
      log(
        `${label}: evaluated ${written.length} checkpoint(s); FID ` +
          `${last?.fid.toPrecision(4)} at step ${last?.step}`,
      );
    }
  }
  summary.results = writeExperimentResults(
    effective,
    runs,
    options.out,
    options.extractor,
    samples,
  );
  log(`results: ${join(options.out, 'results.md')}`);
  return summary;
}

/** Fails early, with how to get it, when the grid's data folder is absent. */
function checkData(data: string | null): void {
  if (data === null || data === 'fashion-mnist-subset') return;
  try {
    loadDataset({ data, split: 'test' });
  } catch (error) {
    if (!(error instanceof UserError)) throw error;
    throw new UserError(
      `experiment: the grid's data ${data} cannot be read (${error.message}). It must hold all ` +
        'of Fashion-MNIST as IDX files (train-images-idx3-ubyte.gz, train-labels-idx1-ubyte.gz, ' +
        't10k-images-idx3-ubyte.gz, t10k-labels-idx1-ubyte.gz): download them from ' +
        "https://github.com/zalandoresearch/fashion-mnist (data/fashion) or install Debian's " +
        'dataset-fashion-mnist, then pass the folder with --data DIR',
    );
  }
}
