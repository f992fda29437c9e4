import type { Split } from '../data/loadDataset.js';
import type { Provenance } from '../metrics/featureMatrix.js';
import { frechetDistance } from '../metrics/frechetDistance.js';
import { kernelInceptionDistance } from '../metrics/kernelInceptionDistance.js';
import { precisionRecall } from '../metrics/precisionRecall.js';
import { extractorProvenance, type FeatureExtractor } from './featureExtractor.js';
import { realFeatures } from './realFeatures.js';

/** Real train features against real test features: what a perfect generator would score. */
export interface FloorResult {
  fid: number;
  kid: number;
  precision: number;
  recall: number;
  trainSamples: number;
  testSamples: number;
}

export interface FloorOptions {
  extractor: FeatureExtractor;
  data?: string | null;
  /** Real images per split (capped at each split's size). */
  samples: number;
  kidSubsets?: number;
  kidSubsetSize?: number;
  k?: number;
  batch?: number;
  cacheDir?: string;
}

/** Floors already measured in this process, by real sets and metric settings. */
const floors = new Map<string, FloorResult>();

/**
 * FID, KID and precision/recall of real training images (the "fake" side) against real test
 * images, from the same extractor and sample counts as a generator's evaluation. Metrics of a
 * generator are read against it: with a few thousand samples even two real sets are not at 0.
 */
export async function realFloor(
  options: FloorOptions,
): Promise<FloorResult & { provenance: Provenance }> {
  const { extractor, samples, k = 3 } = options;
  const common = {
    extractor,
    data: options.data ?? null,
    samples,
    ...(options.batch !== undefined ? { batch: options.batch } : {}),
    ...(options.cacheDir !== undefined ? { cacheDir: options.cacheDir } : {}),
  };
  const test = realFeatures({ ...common, split: 'test' as Split });
  const train = realFeatures({ ...common, split: 'train' as Split });
  const subsets = options.kidSubsets ?? 50;
  const subsetSize = options.kidSubsetSize ?? 500;
  const provenance: Provenance = {
    ...extractorProvenance(extractor),
    realSource: test.key.source,
    trainSource: train.key.source,
    trainSamples: train.features.samples,
    testSamples: test.features.samples,
    kidSubsets: subsets,
    kidSubsetSize: subsetSize,
    prK: k,
  };
  const id = JSON.stringify([test.key, train.key, subsets, subsetSize, k]);
  let floor = floors.get(id);
  if (floor === undefined) {
    const fid = await frechetDistance(test.features, train.features);
    const kid = kernelInceptionDistance(test.features, train.features, {
      subsets,
      subsetSize,
      seed: 0,
    });
    const pr = precisionRecall(test.features, train.features, { k });
    floor = {
      fid: fid.value,
      kid: kid.value,
      precision: pr.precision,
      recall: pr.recall,
      trainSamples: train.features.samples,
      testSamples: test.features.samples,
    };
    floors.set(id, floor);
  }
  return { ...floor, provenance };
}
