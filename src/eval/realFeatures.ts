import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { sha256Hex } from '../classifier/classifierWeights.js';
import { packageRoot } from '../data/packageRoot.js';
import { loadDataset, type Split } from '../data/loadDataset.js';
import { imageSize, type ImageDataset } from '../data/imageDataset.js';
import { toImageTensor } from '../data/toImageTensor.js';
import { writeFileAtomic } from '../io/atomicWrite.js';
import { readNpy, writeNpy } from '../io/npy.js';
import { featureMatrix, type FeatureMatrix } from '../metrics/featureMatrix.js';
import { Random } from '../random/random.js';
import { extractFeatures } from './extractFeatures.js';
import type { FeatureExtractor } from './featureExtractor.js';

/** Everything that changes a real set's features; its hash names the cache files. */
export interface RealFeatureKey {
  version: 1;
  /** `--data` as given (null: the embedded subset) and the dataset's own label. */
  data: string | null;
  source: string;
  split: Split;
  /** SHA-256 of the split's pixel bytes, so a changed folder is never served stale features. */
  imagesSha256: string;
  /** Images used: all of the split, or a seeded sample of this many. */
  samples: number;
  selectionSeed: number;
  extractor: string;
  extractorWeightsSha256: string;
  preprocessing: string;
}

export interface RealFeatures {
  features: FeatureMatrix;
  key: RealFeatureKey;
  /** True when read from the cache rather than computed. */
  fromCache: boolean;
  /** The cached .npy file. */
  file: string;
}

export interface RealFeatureOptions {
  extractor: FeatureExtractor;
  /** As `--data`; undefined or null for the embedded Fashion-MNIST subset. */
  data?: string | null;
  split: Split;
  /** Real images to use; capped at the split's size. */
  samples: number;
  cacheDir?: string;
  /** Seed of the choice of images when the split has more than `samples`. */
  selectionSeed?: number;
  batch?: number;
}

/**
 * The folder of cached real-set features: `$XDG_CACHE_HOME/dag-gan` when that variable is
 * set, else `.cache/dag-gan` in the package.
 */
export function defaultCacheDir(): string {
  const xdg = process.env.XDG_CACHE_HOME;
  return xdg !== undefined && xdg !== ''
    ? join(xdg, 'dag-gan')
    : join(packageRoot(), '.cache', 'dag-gan');
}

/** Loaded splits by `--data` and split, so a process reads each IDX file once. */
const datasets = new Map<string, ImageDataset>();

function loadSplit(data: string | null, split: Split): ImageDataset {
  const id = `${data ?? ''}\u0000${split}`;
  let dataset = datasets.get(id);
  if (dataset === undefined) {
    dataset = loadDataset({ ...(data !== null ? { data } : {}), split });
    datasets.set(id, dataset);
  }
  return dataset;
}

/**
 * Features of a real split, read from the cache when an earlier call (or process) computed
 * them for the same data, split, sample count and extractor; computed and cached otherwise.
 */
export function realFeatures(options: RealFeatureOptions): RealFeatures {
  const { extractor, split, samples, selectionSeed = 0, batch = 200 } = options;
  const data = options.data ?? null;
  const cacheDir = options.cacheDir ?? defaultCacheDir();
  const dataset = loadSplit(data, split);
  const used = Math.min(samples, dataset.count);
  const key: RealFeatureKey = {
    version: 1,
    data,
    source: dataset.source,
    split,
    imagesSha256: imagesHash(dataset),
    samples: used,
    selectionSeed,
    extractor: extractor.name,
    extractorWeightsSha256: extractor.weightsHash,
    preprocessing: extractor.preprocessing,
  };
  const name = `real-${sha256Hex(new TextEncoder().encode(JSON.stringify(key))).slice(0, 24)}`;
  const file = join(cacheDir, `${name}.npy`);
  const keyFile = join(cacheDir, `${name}.json`);
  if (existsSync(file) && existsSync(keyFile)) {
    try {
      const storedKey = JSON.parse(readFileSync(keyFile, 'utf8')) as RealFeatureKey;
      const stored = readNpy(file);
      if (JSON.stringify(storedKey) === JSON.stringify(key) && stored.shape[0] === used) {
        const features = featureMatrix(stored.data, stored.shape[0], stored.shape[1]);
        return { features, key, fromCache: true, file };
      }
    } catch {
      // A damaged cache entry is recomputed and overwritten below.
    }
  }
  const indices = chooseIndices(dataset.count, used, selectionSeed);
  const { features } = extractFeatures(
    extractor,
    used,
    (start, size) => toImageTensor(dataset, indices.slice(start, start + size)),
    { batch },
  );
  writeNpy(file, {
    dtype: 'float32',
    shape: [features.samples, features.dims],
    data: Float32Array.from(features.data),
  });
  writeFileAtomic(keyFile, `${JSON.stringify(key, null, 2)}\n`);
  return { features, key, fromCache: false, file };
}

/** All indices in order, or a seeded sample of `count` of them in ascending order. */
function chooseIndices(total: number, count: number, seed: number): number[] {
  const all = Array.from({ length: total }, (_, i) => i);
  if (count >= total) return all;
  return new Random(seed, 11)
    .shuffle(all)
    .slice(0, count)
    .sort((a, b) => a - b);
}

const hashes = new WeakMap<ImageDataset, string>();

function imagesHash(dataset: ImageDataset): string {
  let hash = hashes.get(dataset);
  if (hash === undefined) {
    const shape = `${dataset.count}x${dataset.height}x${dataset.width}x${dataset.channels}:`;
    hash = createHash('sha256')
      .update(shape)
      .update(dataset.images.subarray(0, dataset.count * imageSize(dataset)))
      .digest('hex');
    hashes.set(dataset, hash);
  }
  return hash;
}
