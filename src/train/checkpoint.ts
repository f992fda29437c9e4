import { existsSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { tf } from '../tf.js';
import type { DataLoaderState } from '../data/dataLoader.js';
import { DataLoader } from '../data/dataLoader.js';
import { UserError } from '../errors.js';
import type { ParameterStore } from '../models/parameterStore.js';
import type { RandomState } from '../random/random.js';
import type { Adam, AdamState } from './adam.js';
import { readCheckpointFile, writeCheckpointFile, type StoredArray } from './checkpointFile.js';
import type { TrainingState } from './trainingState.js';

interface CheckpointMeta {
  format: 1;
  step: number;
  optimizerSteps: { G: number; D: number };
  random: { noise: RandomState; augment: RandomState };
  loader: DataLoaderState;
}

const PATTERN = /^step-(\d+)\.ckpt$/;

export function checkpointPath(dir: string, step: number): string {
  return join(dir, `step-${String(step).padStart(7, '0')}.ckpt`);
}

/** Checkpoint files of a folder, newest first. */
export function listCheckpoints(dir: string): { step: number; path: string }[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .map((name) => ({ match: PATTERN.exec(name), name }))
    .filter((entry) => entry.match !== null)
    .map((entry) => ({ step: Number(entry.match?.[1]), path: join(dir, entry.name) }))
    .sort((a, b) => b.step - a.step);
}

function storeArrays(prefix: string, store: ParameterStore, into: Map<string, StoredArray>): void {
  for (const [name, variable] of [...store.weights, ...store.buffers]) {
    into.set(`${prefix}/${name}`, {
      shape: variable.shape,
      data: variable.dataSync() as Float32Array,
    });
  }
}

function adamArrays(prefix: string, state: AdamState, into: Map<string, StoredArray>): void {
  for (const [name, { m, v }] of state.moments) {
    into.set(`${prefix}/m/${name}`, { shape: [m.length], data: m });
    into.set(`${prefix}/v/${name}`, { shape: [v.length], data: v });
  }
}

/** Everything a resume needs, as checkpoint file content. */
function checkpointContent(state: TrainingState) {
  const arrays = new Map<string, StoredArray>();
  storeArrays('G', state.generator.params, arrays);
  storeArrays('D', state.discriminator.backbone.params, arrays);
  storeArrays('D', state.discriminator.heads, arrays);
  const adamG = state.optimizerG.state();
  const adamD = state.optimizerD.state();
  adamArrays('adamG', adamG, arrays);
  adamArrays('adamD', adamD, arrays);
  const meta: CheckpointMeta = {
    format: 1,
    step: state.step,
    optimizerSteps: { G: adamG.step, D: adamD.step },
    random: { noise: state.noiseRandom.state(), augment: state.augmentRandom.state() },
    loader: state.loader.state(),
  };
  return { meta, arrays };
}

/** Saves a periodic checkpoint and prunes all but the newest `keep`; returns its path. */
export function saveCheckpoint(state: TrainingState, dir: string, keep: number): string {
  const path = checkpointPath(dir, state.step);
  writeCheckpointFile(path, checkpointContent(state));
  for (const old of listCheckpoints(dir).slice(Math.max(keep, 1)))
    rmSync(old.path, { force: true });
  return path;
}

/** Saves the state under a fixed name (the best checkpoint by FID), outside the pruning. */
export function saveCheckpointAs(state: TrainingState, path: string): void {
  writeCheckpointFile(path, checkpointContent(state));
}

function restoreStore(
  prefix: string,
  store: ParameterStore,
  arrays: Map<string, StoredArray>,
  file: string,
): void {
  for (const [name, variable] of [...store.weights, ...store.buffers]) {
    const saved = arrays.get(`${prefix}/${name}`);
    if (!saved || saved.data.length !== variable.size) {
      throw new UserError(
        `${file}: checkpoint has no matching ${prefix}/${name} ${JSON.stringify(variable.shape)}; ` +
          'it was written by a run with another model configuration',
      );
    }
    tf.tidy(() => variable.assign(tf.tensor(saved.data, variable.shape)));
  }
}

function restoreAdam(
  prefix: string,
  optimizer: Adam,
  names: Iterable<string>,
  step: number,
  arrays: Map<string, StoredArray>,
  file: string,
): void {
  const moments = new Map<string, { m: Float32Array; v: Float32Array }>();
  for (const name of names) {
    const m = arrays.get(`${prefix}/m/${name}`);
    const v = arrays.get(`${prefix}/v/${name}`);
    if (!m || !v) throw new UserError(`${file}: checkpoint lacks optimizer state for ${name}`);
    moments.set(name, { m: m.data, v: v.data });
  }
  optimizer.setState({ step, moments });
}

/** Loads a checkpoint file into a freshly created state of the same configuration. */
export function restoreCheckpoint(state: TrainingState, file: string): void {
  const { meta, arrays } = readCheckpointFile<CheckpointMeta>(file);
  if (meta.format !== 1) throw new UserError(`${file}: unknown checkpoint format ${meta.format}`);
  restoreStore('G', state.generator.params, arrays, file);
  restoreStore('D', state.discriminator.backbone.params, arrays, file);
  restoreStore('D', state.discriminator.heads, arrays, file);
  restoreAdam(
    'adamG',
    state.optimizerG,
    state.generator.params.weights.keys(),
    meta.optimizerSteps.G,
    arrays,
    file,
  );
  const dNames = [
    ...state.discriminator.backbone.params.weights.keys(),
    ...state.discriminator.heads.weights.keys(),
  ];
  restoreAdam('adamD', state.optimizerD, dNames, meta.optimizerSteps.D, arrays, file);
  state.noiseRandom.setState(meta.random.noise);
  state.augmentRandom.setState(meta.random.augment);
  state.loader = DataLoader.fromState(state.loader.dataset, meta.loader);
  state.step = meta.step;
}

/**
 * The newest checkpoint of a folder that reads back whole. A corrupt newer one (a disk
 * error; an interrupted write never leaves one, files are renamed into place) is skipped with
 * `onSkip` told why.
 */
export function latestUsableCheckpoint(
  dir: string,
  onSkip: (message: string) => void,
): { step: number; path: string } | null {
  for (const candidate of listCheckpoints(dir)) {
    try {
      readCheckpointFile(candidate.path);
      return candidate;
    } catch (error) {
      onSkip((error as Error).message);
    }
  }
  return null;
}

/** Loads only the generator's weights and statistics from a checkpoint (for sampling). */
export function restoreGenerator(
  generator: TrainingState['generator'],
  file: string,
): CheckpointMeta['step'] {
  const { meta, arrays } = readCheckpointFile<CheckpointMeta>(file);
  restoreStore('G', generator.params, arrays, file);
  return meta.step;
}
