import type { Linalg } from './linalg.js';
import { checkFeatureMatrix } from './featureMatrix.js';
import type { FeatureMatrix } from './featureMatrix.js';
import { mirrorLower, multiplyABt } from './matrixProduct.js';

/** Mean and unbiased covariance of a feature set: what the Fréchet distance compares. */
export interface FeatureStatistics {
  /** [dims] */
  readonly mean: Float64Array;
  /** [dims, dims] row-major, symmetric, normalised by samples - 1 (like numpy.cov). */
  readonly covariance: Float64Array;
  readonly samples: number;
  readonly dims: number;
}

/** Samples per transposed chunk: dims x CHUNK doubles stay a few megabytes. */
const CHUNK = 512;

/**
 * Mean and unbiased covariance of [samples, dims] features, in float64. Centres before
 * multiplying (two passes), so large means do not cancel the covariance away.
 */
export function featureStatistics(features: FeatureMatrix, linalg?: Linalg): FeatureStatistics {
  checkFeatureMatrix(features, 'features', 'featureStatistics');
  const { data, samples: n, dims: d } = features;
  if (n < 2) {
    throw new Error(`featureStatistics: expected at least 2 samples for a covariance, got ${n}`);
  }
  const mean = new Float64Array(d);
  for (let s = 0; s < n; s++) {
    const row = s * d;
    for (let j = 0; j < d; j++) mean[j] = (mean[j] as number) + (data[row + j] as number);
  }
  for (let j = 0; j < d; j++) mean[j] = (mean[j] as number) / n;
  if (linalg?.covariance)
    return { mean, covariance: linalg.covariance(data, n, d), samples: n, dims: d };

  // X^T X accumulated chunk by chunk: each chunk is centred and transposed to [dims, chunk] so
  // the product reads contiguous rows; only the lower triangle is computed.
  const covariance = new Float64Array(d * d);
  const chunk = new Float64Array(d * Math.min(CHUNK, n));
  for (let s0 = 0; s0 < n; s0 += CHUNK) {
    const m = Math.min(CHUNK, n - s0);
    for (let s = 0; s < m; s++) {
      const row = (s0 + s) * d;
      for (let j = 0; j < d; j++)
        chunk[j * m + s] = (data[row + j] as number) - (mean[j] as number);
    }
    multiplyABt(chunk, d, chunk, d, m, covariance, { lower: true, accumulate: true });
  }
  const scale = 1 / (n - 1);
  for (let i = 0; i < d; i++) {
    for (let j = 0; j <= i; j++) covariance[i * d + j] = (covariance[i * d + j] as number) * scale;
  }
  mirrorLower(covariance, d);
  return { mean, covariance, samples: n, dims: d };
}
