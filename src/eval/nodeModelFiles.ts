import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, normalize, resolve, sep } from 'node:path';
import { tf } from '../tf.js';
import { UserError } from '../errors.js';
import { writeFileAtomic } from '../io/atomicWrite.js';
import { sha256Hex } from '../classifier/classifierWeights.js';

/**
 * TensorFlow.js model folders (model.json plus binary weight shards) on the local file
 * system. tfjs's own loaders fetch over HTTP or read browser files; these handlers read and
 * write plain files so that `tf.loadLayersModel` and `tf.loadGraphModel` work in Node.
 */

/** What was read from a model folder, with a hash of model.json and every shard. */
export interface ModelFolder {
  handler: tf.io.IOHandler;
  modelJson: tf.io.ModelJSON;
  /** SHA-256 over model.json and the weight shards in manifest order. */
  sha256: string;
  /** 'layers-model' or 'graph-model', from model.json (or guessed from its topology). */
  format: 'layers-model' | 'graph-model';
}

/** Reads `folder/model.json` and its shards; problems are `UserError`s naming the file. */
export function readModelFolder(folder: string, flag = '--extractor'): ModelFolder {
  const jsonPath = join(folder, 'model.json');
  if (!existsSync(jsonPath)) {
    throw new UserError(
      `${flag} ${folder}: no model.json there; give a TensorFlow.js model folder ` +
        '(layers or graph format) or a dag-gan classifier folder',
    );
  }
  const jsonBytes = readFileSync(jsonPath);
  let modelJson: tf.io.ModelJSON;
  try {
    modelJson = JSON.parse(jsonBytes.toString('utf8')) as tf.io.ModelJSON;
  } catch (error) {
    throw new UserError(`${jsonPath}: not valid JSON (${(error as Error).message})`);
  }
  if (typeof modelJson.modelTopology !== 'object' || modelJson.modelTopology === null) {
    throw new UserError(`${jsonPath}: expected a modelTopology object in a tfjs model.json`);
  }
  const manifest = modelJson.weightsManifest ?? [];
  const shards: Uint8Array[] = [];
  const root = resolve(folder);
  for (const group of manifest) {
    for (const path of group.paths) {
      const file = resolve(root, normalize(path));
      // A manifest must not reach outside its own folder.
      if (!file.startsWith(root + sep)) {
        throw new UserError(`${jsonPath}: weight path ${path} leaves the model folder`);
      }
      if (!existsSync(file)) {
        throw new UserError(`${jsonPath}: weight shard ${path} is missing from ${folder}`);
      }
      shards.push(readFileSync(file));
    }
  }
  const hash = sha256Hex(concatenate([jsonBytes, ...shards]));
  const weightData = concatenate(shards).buffer as ArrayBuffer;
  const weightSpecs = manifest.flatMap((group) => group.weights);
  const handler: tf.io.IOHandler = {
    load: async () =>
      tf.io.getModelArtifactsForJSON(modelJson, async () => [weightSpecs, weightData]),
  };
  const topology = modelJson.modelTopology as Record<string, unknown>;
  const declared = modelJson.format;
  const format =
    declared === 'graph-model' || declared === 'layers-model'
      ? declared
      : 'node' in topology
        ? 'graph-model'
        : 'layers-model';
  return { handler, modelJson, sha256: hash, format };
}

/**
 * A save handler writing `folder/model.json` and one shard `folder/weights.bin`, the layout
 * `readModelFolder` reads (and tfjs's converter writes, with more shards).
 */
export function modelFolderSaver(folder: string): tf.io.IOHandler {
  return {
    save: async (artifacts: tf.io.ModelArtifacts): Promise<tf.io.SaveResult> => {
      const weightData = artifacts.weightData;
      const bytes =
        weightData === undefined
          ? new Uint8Array(0)
          : new Uint8Array(tf.io.CompositeArrayBuffer.join(weightData));
      const modelJson: tf.io.ModelJSON = {
        modelTopology: artifacts.modelTopology as object,
        format: artifacts.format ?? 'layers-model',
        generatedBy: artifacts.generatedBy ?? 'dag-gan',
        convertedBy: artifacts.convertedBy ?? null,
        weightsManifest: [{ paths: ['weights.bin'], weights: artifacts.weightSpecs ?? [] }],
      };
      writeFileAtomic(join(folder, 'weights.bin'), bytes);
      writeFileAtomic(join(folder, 'model.json'), JSON.stringify(modelJson));
      return { modelArtifactsInfo: tf.io.getModelArtifactsInfoForJSON(artifacts) };
    },
  };
}

function concatenate(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

/** The folder of a model.json path or the folder itself. */
export function modelFolderOf(path: string): string {
  return path.endsWith('model.json') ? dirname(path) : path;
}
