import { tf } from '../tf.js';
import type { Split } from '../data/loadDataset.js';
import { UserError } from '../errors.js';
import type { Provenance } from '../metrics/featureMatrix.js';
import { featureStatistics } from '../metrics/featureStatistics.js';
import { frechetDistance, type FrechetResult } from '../metrics/frechetDistance.js';
import { inceptionScore, type InceptionScoreResult } from '../metrics/inceptionScore.js';
import { kernelInceptionDistance, type KidResult } from '../metrics/kernelInceptionDistance.js';
import { precisionRecall, type PrecisionRecallResult } from '../metrics/precisionRecall.js';
import type { Generator } from '../models/generator.js';
import { Random } from '../random/random.js';
import { extractFeatures } from './extractFeatures.js';
import { extractorProvenance, type FeatureExtractor } from './featureExtractor.js';
import { realFeatures } from './realFeatures.js';
import { realFloor, type FloorResult } from './realFloor.js';

export type { FloorResult };

export interface EvaluateOptions {
  extractor: FeatureExtractor;
  /** The real images, as `--data` (the run's training source); null or absent: embedded. */
  data?: string | null;
  /** Which split is the real set; default 'test' (held out from training). */
  realSplit?: Split;
  /** Generated samples, and real samples (capped at the split's size); default 2000. */
  samples?: number;
  /** Seed of the generator's noise; default 0, so checkpoints are compared on the same z. */
  seed?: number;
  /** Images per extractor call; default 200. */
  batch?: number;
  /** Also measure real train features against real test features (the floor); default true. */
  floor?: boolean;
  /** KID subsets and subset size; default 50 of 500 (the usual 100 of 1000 is slow in JS). */
  kidSubsets?: number;
  kidSubsetSize?: number;
  /** k of the precision/recall manifolds; default 3. */
  k?: number;
  /** Splits of the Inception-style score; default 10. */
  isSplits?: number;
  /** Folder of cached real features; default `defaultCacheDir()`. */
  cacheDir?: string;
}

/** The metrics of a generator against a real set, and everything that changes them. */
export interface EvalResult {
  fid: number;
  kid: number;
  kidStd: number;
  precision: number;
  recall: number;
  /** Inception-style score from the extractor's softmax; null if it has no probabilities. */
  inceptionScore: number | null;
  inceptionScoreStd: number | null;
  floor: FloorResult | null;
  /** Extractor, its weights hash, preprocessing, sample counts, real split and source. */
  provenance: Provenance;
  details: {
    fid: FrechetResult;
    kid: KidResult;
    precisionRecall: PrecisionRecallResult;
    inceptionScore: InceptionScoreResult | null;
  };
}

/** Noise stream of evaluation samples: apart from every stream training draws from. */
export const EVAL_NOISE_STREAM = 21;

/**
 * FID, KID, precision/recall and the Inception-style score of `generator`'s samples against
 * the real `realSplit` of `data`, with the real-against-real floor. Real features are cached
 * on disk, so repeated calls (every checkpoint of a run) only extract the fake ones.
 */
export async function evaluateGenerator(
  generator: Generator,
  options: EvaluateOptions,
): Promise<EvalResult> {
  const { extractor, samples = 2000, seed = 0, batch = 200 } = options;
  if (!(Number.isInteger(samples) && samples >= 10)) {
    throw new UserError(`evaluate: --samples must be a whole number >= 10, got ${samples}`);
  }
  const realSplit = options.realSplit ?? 'test';
  const real = realFeatures({
    extractor,
    data: options.data ?? null,
    split: realSplit,
    samples,
    batch,
    ...(options.cacheDir !== undefined ? { cacheDir: options.cacheDir } : {}),
  });
  const random = new Random(seed, EVAL_NOISE_STREAM);
  const latentDim = generator.config.latentDim;
  const fake = extractFeatures(
    extractor,
    samples,
    (_, size) => {
      const z = random.normalTensor([size, latentDim]) as tf.Tensor2D;
      const images = generator.generate(z, { training: false });
      z.dispose();
      return images;
    },
    { batch, probabilities: true },
  );
  const provenance: Provenance = {
    ...extractorProvenance(extractor),
    realSource: real.key.source,
    realSplit,
    realSamples: real.features.samples,
    fakeSamples: samples,
    noiseSeed: seed,
  };
  const kidOptions = {
    subsets: options.kidSubsets ?? 50,
    subsetSize: options.kidSubsetSize ?? 500,
    seed: 0,
    provenance,
  };
  const fid = await frechetDistance(featureStatistics(real.features), fake.features, {
    provenance,
  });
  const kid = kernelInceptionDistance(real.features, fake.features, kidOptions);
  const k = options.k ?? 3;
  const pr = precisionRecall(real.features, fake.features, { k, provenance });
  const is =
    fake.probabilities !== undefined && fake.classes !== undefined
      ? inceptionScore(fake.probabilities, samples, fake.classes, {
          splits: Math.min(options.isSplits ?? 10, samples),
          provenance,
        })
      : null;
  const measured =
    (options.floor ?? true)
      ? await realFloor({
          extractor,
          data: options.data ?? null,
          samples,
          batch,
          kidSubsets: kidOptions.subsets,
          kidSubsetSize: kidOptions.subsetSize,
          k,
          ...(options.cacheDir !== undefined ? { cacheDir: options.cacheDir } : {}),
        })
      : null;
  let floor: FloorResult | null = null;
  if (measured !== null) {
    const { provenance: _, ...values } = measured;
    floor = values;
  }
  return {
    fid: fid.value,
    kid: kid.value,
    kidStd: kid.std,
    precision: pr.precision,
    recall: pr.recall,
    inceptionScore: is?.value ?? null,
    inceptionScoreStd: is?.std ?? null,
    floor,
    provenance: {
      ...provenance,
      kidSubsets: kid.subsets,
      kidSubsetSize: kid.subsetSize,
      prK: k,
      isSplits: is?.splits ?? null,
    },
    details: { fid, kid, precisionRecall: pr, inceptionScore: is },
  };
}

/**
 * The scalars of a result as training logs them in metrics.jsonl: `metrics/fid`,
 * `metrics/kid`, `metrics/precision`, `metrics/recall`, `metrics/is` (when present) and the
 * floor's `metrics/floor_fid`.
 */
export function evalScalars(result: EvalResult): Record<string, number> {
  const scalars: Record<string, number> = {
    'metrics/fid': result.fid,
    'metrics/kid': result.kid,
    'metrics/precision': result.precision,
    'metrics/recall': result.recall,
  };
  if (result.inceptionScore !== null) scalars['metrics/is'] = result.inceptionScore;
  if (result.floor !== null) scalars['metrics/floor_fid'] = result.floor.fid;
  return scalars;
}
