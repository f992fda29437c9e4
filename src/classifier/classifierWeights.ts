import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { tf } from '../tf.js';
import { UserError } from '../errors.js';
import { writeFileAtomic } from '../io/atomicWrite.js';
import { Random } from '../random/random.js';
import { ClassifierNetwork, type ClassifierArchitecture } from './classifierNetwork.js';

/**
 * A classifier folder holds two files:
 *
 *   classifier.json  { format: 'dag-gan-classifier', version: 1, architecture,
 *                      weights: [{ name, shape, offset, length }], sha256, training }
 *   weights.bin      every array as float32 little-endian, back to back (offsets in floats)
 *
 * `sha256` is the hash of weights.bin; it names the weights in every metric result, so two
 * FIDs are comparable exactly when their hashes match.
 */
export const CLASSIFIER_MANIFEST = 'classifier.json';
export const CLASSIFIER_WEIGHTS = 'weights.bin';
const FORMAT = 'dag-gan-classifier';

interface WeightEntry {
  name: string;
  shape: number[];
  offset: number;
  length: number;
}

export interface ClassifierManifest {
  format: typeof FORMAT;
  version: 1;
  architecture: ClassifierArchitecture;
  weights: WeightEntry[];
  sha256: string;
  /** How the weights were trained (data, steps, seed...), for the record. */
  training: Record<string, unknown>;
}

/** The SHA-256 of bytes as lowercase hex. */
export function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** Writes a network's weights into `folder` (both files atomically); returns the weights hash. */
export function saveClassifier(
  network: ClassifierNetwork,
  folder: string,
  training: Record<string, unknown> = {},
): string {
  const entries: WeightEntry[] = [];
  const arrays: Float32Array[] = [];
  let offset = 0;
  for (const [name, variable] of network.params.weights) {
    const data = variable.dataSync() as Float32Array;
    entries.push({ name, shape: variable.shape, offset, length: data.length });
    arrays.push(data);
    offset += data.length;
  }
  const floats = new Float32Array(offset);
  arrays.forEach((data, i) => floats.set(data, (entries[i] as WeightEntry).offset));
  const bytes = littleEndianBytes(floats);
  const sha256 = sha256Hex(bytes);
  const manifest: ClassifierManifest = {
    format: FORMAT,
    version: 1,
    architecture: network.architecture,
    weights: entries,
    sha256,
    training,
  };
  writeFileAtomic(join(folder, CLASSIFIER_WEIGHTS), bytes);
  writeFileAtomic(join(folder, CLASSIFIER_MANIFEST), `${JSON.stringify(manifest, null, 2)}\n`);
  return sha256;
}

/** A network with the weights of `folder`, and its manifest. Problems are `UserError`s. */
export function loadClassifier(folder: string): {
  network: ClassifierNetwork;
  manifest: ClassifierManifest;
} {
  const manifestPath = join(folder, CLASSIFIER_MANIFEST);
  const weightsPath = join(folder, CLASSIFIER_WEIGHTS);
  for (const path of [manifestPath, weightsPath]) {
    if (!existsSync(path)) {
      throw new UserError(
        `${path}: missing; a classifier folder holds ${CLASSIFIER_MANIFEST} and ` +
          `${CLASSIFIER_WEIGHTS} (train one with dag-gan classifier train --out ${folder})`,
      );
    }
  }
  let manifest: ClassifierManifest;
  try {
    manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as ClassifierManifest;
  } catch (error) {
    throw new UserError(`${manifestPath}: not valid JSON (${(error as Error).message})`);
  }
  if (manifest.format !== FORMAT || manifest.version !== 1) {
    throw new UserError(
      `${manifestPath}: expected format ${FORMAT} version 1, got ${String(manifest.format)} ` +
        `version ${String(manifest.version)}`,
    );
  }
  const bytes = readFileSync(weightsPath);
  const hash = sha256Hex(bytes);
  if (hash !== manifest.sha256) {
    throw new UserError(
      `${weightsPath}: SHA-256 ${hash} does not match ${manifest.sha256} in ${manifestPath}; ` +
        'the file is corrupt or from another classifier',
    );
  }
  const floats = floatsFromLittleEndian(bytes);
  const network = new ClassifierNetwork(manifest.architecture, new Random(0));
  try {
    const byName = new Map(manifest.weights.map((entry) => [entry.name, entry]));
    for (const [name, variable] of network.params.weights) {
      const entry = byName.get(name);
      if (
        entry === undefined ||
        entry.length !== variable.size ||
        entry.offset + entry.length > floats.length
      ) {
        throw new UserError(
          `${manifestPath}: no weight ${name} of shape [${variable.shape.join(', ')}] ` +
            'matching the architecture it declares',
        );
      }
      const values = floats.subarray(entry.offset, entry.offset + entry.length);
      tf.tidy(() => variable.assign(tf.tensor(values, variable.shape, 'float32')));
    }
  } catch (error) {
    network.dispose();
    throw error;
  }
  return { network, manifest };
}

function littleEndianBytes(floats: Float32Array): Uint8Array {
  const bytes = new Uint8Array(floats.length * 4);
  const view = new DataView(bytes.buffer);
  for (let i = 0; i < floats.length; i++) view.setFloat32(i * 4, floats[i] as number, true);
  return bytes;
}

function floatsFromLittleEndian(bytes: Uint8Array): Float32Array {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const floats = new Float32Array(Math.floor(bytes.length / 4));
  for (let i = 0; i < floats.length; i++) floats[i] = view.getFloat32(i * 4, true);
  return floats;
}
