import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { tf } from '../tf.js';
import { UserError } from '../errors.js';
import { writeImageGrid } from '../image/imageGrid.js';
import { writeFileAtomic } from '../io/atomicWrite.js';
import { latestUsableCheckpoint, restoreCheckpoint, saveCheckpoint } from './checkpoint.js';
import { MetricsLog } from './metricsLog.js';
import { PeriodicEvaluation } from './periodicEvaluation.js';
import { ProgressReporter } from './progressReporter.js';
import { loadTrainingData } from './loadTrainingData.js';
import type { TrainConfig } from './trainConfig.js';
import {
  createTrainingState,
  disposeTrainingState,
  fixedNoise,
  type TrainingState,
} from './trainingState.js';
import { trainStep } from './trainStep.js';

export interface RunOptions {
  out: string;
  /** Continue the run in `out` from its newest checkpoint. */
  resume: boolean;
  reporter?: ProgressReporter;
  /** Set to stop after the current step with a checkpoint (Ctrl-C). */
  stopRequested?: () => boolean;
}

export interface RunResult {
  step: number;
  stopped: boolean;
  imagesPerSecond: number;
  lastCheckpoint: string | null;
}

const SAMPLE_COUNT = 64;

function writeSamples(state: TrainingState, out: string, noise: tf.Tensor2D): string {
  const path = join(out, 'samples', `step-${String(state.step).padStart(7, '0')}.png`);
  const images = state.generator.generate(noise, { training: false });
  writeImageGrid(path, images, 8);
  images.dispose();
  return path;
}

/**
 * Trains a run into `out`: `config.json`, `metrics.jsonl`, `samples/` and `checkpoints/`, all
 * written atomically (the log is appended line by line and cut back to the checkpoint on
 * resume, so its steps always match the weights).
 */
export async function runTraining(config: TrainConfig, options: RunOptions): Promise<RunResult> {
  const { out } = options;
  const reporter = options.reporter ?? new ProgressReporter();
  const configPath = join(out, 'config.json');
  if (!options.resume && existsSync(configPath)) {
    throw new UserError(
      `--out ${out}: already holds a run (config.json); continue it with --resume ${out} or ` +
        'choose another folder',
    );
  }
  if (existsSync(out) && !statSync(out).isDirectory()) {
    throw new UserError(`--out ${out}: is a file, not a folder; choose a folder for the run`);
  }
  const dataset = loadTrainingData(config);
  if (dataset.height !== dataset.width) {
    throw new UserError(
      `${dataset.source}: images are ${dataset.height}x${dataset.width} (height x width); the ` +
        'DCGAN models need square images (28, 32 or 64): crop or resize the data first',
    );
  }
  const resolved: TrainConfig = {
    ...config,
    imageSize: dataset.height,
    channels: dataset.channels,
  };

  // Everything that can fail on the user's input is built before anything is written, so a
  // bad start leaves no half-made run folder behind.
  const state = createTrainingState(resolved, dataset);
  const checkpointDir = join(out, 'checkpoints');
  let evaluation: PeriodicEvaluation | null = null;
  try {
    evaluation = await PeriodicEvaluation.create(resolved, checkpointDir);
  } catch (error) {
    disposeTrainingState(state);
    throw error;
  }
  let lastCheckpoint: string | null = null;
  if (options.resume) {
    const latest = latestUsableCheckpoint(checkpointDir, (why) =>
      reporter.message(`skipped: ${why}`),
    );
    if (latest) {
      restoreCheckpoint(state, latest.path);
      lastCheckpoint = latest.path;
      reporter.message(`resumed from ${latest.path} at step ${state.step}`);
    } else {
      reporter.message(`no checkpoint in ${checkpointDir}: starting from step 0`);
    }
    if (state.step >= resolved.steps) {
      evaluation?.dispose();
      disposeTrainingState(state);
      throw new UserError(
        `--resume ${out}: the run is at step ${state.step} already; pass --steps N with N > ` +
          `${state.step} to train it further`,
      );
    }
  }
  writeFileAtomic(configPath, `${JSON.stringify(resolved, null, 2)}\n`);
  const log = new MetricsLog(join(out, 'metrics.jsonl'));
  log.truncateAfter(state.step);

  const noise = fixedNoise(resolved, SAMPLE_COUNT);
  const imagesPerStep = resolved.batch * resolved.nCritic;
  const startStep = state.step;
  const started = performance.now();
  let lastLogTime = started;
  let lastLogStep = state.step;
  let imagesPerSecond = 0;
  let stopped = false;
  try {
    if (state.step === 0) writeSamples(state, out, noise);
    while (state.step < resolved.steps) {
      const logging =
        (state.step + 1) % resolved.logEvery === 0 || state.step + 1 === resolved.steps;
      const evaluating = evaluation?.due(state.step + 1) ?? false;
      const metrics = trainStep(state, logging || evaluating);
      const stepEnded = performance.now();
      if (metrics && evaluation && evaluating) {
        Object.assign(metrics, await evaluation.evaluate(state));
        const fid = metrics['metrics/fid'] ?? NaN;
        reporter.message(
          `step ${state.step}: FID ${fid.toFixed(2)} (best ${evaluation.bestFid?.fid.toFixed(2)} at step ${evaluation.bestFid?.step})`,
        );
      }
      if (metrics) {
        const now = performance.now();
        imagesPerSecond =
          ((state.step - lastLogStep) * imagesPerStep) / ((stepEnded - lastLogTime) / 1000);
        lastLogTime = now; // evaluation time counts in neither interval
        lastLogStep = state.step;
        for (const [name, value] of Object.entries(metrics)) {
          if (!Number.isFinite(value)) {
            throw new Error(`training diverged at step ${state.step}: ${name} is ${value}`);
          }
        }
        log.append({
          step: state.step,
          kimg: (state.step * imagesPerStep) / 1000,
          seconds: (now - started) / 1000,
          images_per_second: imagesPerSecond,
          ...metrics,
        });
        reporter.update({
          step: state.step,
          totalSteps: resolved.steps,
          imagesSeen: state.step * imagesPerStep,
          imagesPerSecond,
          lossD: metrics['loss/D'] ?? NaN,
          lossG: metrics['loss/G'] ?? NaN,
        });
      }
      if (state.step % resolved.sampleEvery === 0) writeSamples(state, out, noise);
      // Let signal handlers run: the step itself is synchronous on every backend.
      await new Promise((resolve) => setImmediate(resolve));
      const stopping = options.stopRequested?.() ?? false;
      if (
        state.step % resolved.checkpointEvery === 0 ||
        stopping ||
        state.step === resolved.steps
      ) {
        lastCheckpoint = saveCheckpoint(state, checkpointDir, resolved.keepCheckpoints);
      }
      if (stopping && state.step < resolved.steps) {
        stopped = true;
        break;
      }
    }
    if (!stopped && state.step % resolved.sampleEvery !== 0) writeSamples(state, out, noise);
  } finally {
    reporter.finish();
    evaluation?.dispose();
    noise.dispose();
    disposeTrainingState(state);
  }
  const seconds = (performance.now() - started) / 1000;
  const overall = ((state.step - startStep) * imagesPerStep) / Math.max(seconds, 1e-9);
  return { step: state.step, stopped, imagesPerSecond: overall || imagesPerSecond, lastCheckpoint };
}

/** The configuration a run folder was started with. */
export function readRunConfig(out: string): TrainConfig {
  const path = join(out, 'config.json');
  if (!existsSync(path)) {
    throw new UserError(`${out}: no config.json there; give the --out folder of a training run`);
  }
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as TrainConfig;
  } catch (error) {
    throw new UserError(`${path}: not valid JSON (${(error as Error).message})`);
  }
}
