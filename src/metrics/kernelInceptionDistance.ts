import { Random } from '../random/random.js';
import { checkFeatureMatrix } from './featureMatrix.js';
import type { FeatureMatrix, Provenance } from './featureMatrix.js';
import { multiplyABt } from './matrixProduct.js';

/** KID: the mean over subsets of the unbiased squared MMD, and its spread. */
export interface KidResult {
  metric: 'kid';
  /** Mean of the per-subset unbiased MMD^2 estimates. */
  value: number;
  /** Population standard deviation of the per-subset estimates. */
  std: number;
  subsets: number;
  /** The subset size used (after capping). */
  subsetSize: number;
  /** Set when the requested subset size was capped at the smaller set's size. */
  note?: string;
  seed: number;
  kernel: 'polynomial(x.y/d + 1)^3';
  realSamples: number;
  fakeSamples: number;
  dims: number;
  provenance: Provenance;
}

export interface KidOptions {
  /** Random subsets to average over; default 100. */
  subsets?: number;
  /** Samples per subset, drawn without replacement from each set; default 1000. */
  subsetSize?: number;
  /** Seed of the subset draws; default 0. */
  seed?: number;
  provenance?: Provenance;
}

/**
 * Kernel Inception Distance (Bińkowski et al. 2018) with the cubic polynomial kernel
 * k(x, y) = (x.y / d + 1)^3. Each subset draws `subsetSize` real and fake samples; the estimate
 * is mean_{i != j} k(x_i, x_j) + mean_{i != j} k(y_i, y_j) - 2 mean_{i, j} k(x_i, y_j).
 */
export function kernelInceptionDistance(
  real: FeatureMatrix,
  fake: FeatureMatrix,
  { subsets = 100, subsetSize = 1000, seed = 0, provenance = {} }: KidOptions = {},
): KidResult {
  checkFeatureMatrix(real, 'real', 'kernelInceptionDistance');
  checkFeatureMatrix(fake, 'fake', 'kernelInceptionDistance');
  if (real.dims !== fake.dims) {
    throw new Error(
      `kernelInceptionDistance: expected real and fake features of the same dims, got ` +
        `${real.dims} and ${fake.dims}`,
    );
  }
  if (!Number.isInteger(subsets) || subsets < 1) {
    throw new Error(`kernelInceptionDistance: expected subsets >= 1, got ${subsets}`);
  }
  if (!Number.isInteger(subsetSize) || subsetSize < 2) {
    throw new Error(`kernelInceptionDistance: expected subsetSize >= 2, got ${subsetSize}`);
  }
  const smaller = Math.min(real.samples, fake.samples);
  if (smaller < 2) {
    throw new Error(`kernelInceptionDistance: expected at least 2 samples per set, got ${smaller}`);
  }
  const m = Math.min(subsetSize, smaller);
  const note =
    m < subsetSize
      ? `subset size ${subsetSize} capped at ${m}, the size of the smaller feature set`
      : undefined;
  const d = real.dims;
  const random = new Random(seed);
  const x = new Float64Array(m * d);
  const y = new Float64Array(m * d);
  const gram = new Float64Array(m * m);
  const estimates: number[] = [];
  for (let s = 0; s < subsets; s++) {
    gatherRows(real, sampleWithoutReplacement(random, real.samples, m), x);
    gatherRows(fake, sampleWithoutReplacement(random, fake.samples, m), y);
    const xx = kernelSum(x, x, m, d, gram, true);
    const yy = kernelSum(y, y, m, d, gram, true);
    const xy = kernelSum(x, y, m, d, gram, false);
    estimates.push(xx / (m * (m - 1)) + yy / (m * (m - 1)) - (2 * xy) / (m * m));
  }
  const value = estimates.reduce((p, e) => p + e, 0) / subsets;
  const std = Math.sqrt(estimates.reduce((p, e) => p + (e - value) ** 2, 0) / subsets);
  return {
    metric: 'kid',
    value,
    std,
    subsets,
    subsetSize: m,
    ...(note ? { note } : {}),
    seed,
    kernel: 'polynomial(x.y/d + 1)^3',
    realSamples: real.samples,
    fakeSamples: fake.samples,
    dims: d,
    provenance,
  };
}

/** Sum of k over all pairs, or over pairs i != j when `offDiagonal` (a and b are then the same). */
function kernelSum(
  a: Float64Array,
  b: Float64Array,
  m: number,
  d: number,
  gram: Float64Array,
  offDiagonal: boolean,
): number {
  multiplyABt(a, m, b, m, d, gram, { lower: offDiagonal });
  let sum = 0;
  for (let i = 0; i < m; i++) {
    const end = offDiagonal ? i : m;
    for (let j = 0; j < end; j++) sum += ((gram[i * m + j] as number) / d + 1) ** 3;
  }
  // Strictly lower pairs stand for both (i, j) and (j, i).
  return offDiagonal ? 2 * sum : sum;
}

/** `count` distinct indices below n, by a partial Fisher-Yates shuffle. */
function sampleWithoutReplacement(random: Random, n: number, count: number): Int32Array {
  const pool = Int32Array.from({ length: n }, (_, i) => i);
  for (let i = 0; i < count; i++) {
    const j = i + random.int(n - i);
    const t = pool[i] as number;
    pool[i] = pool[j] as number;
    pool[j] = t;
  }
  return pool.subarray(0, count);
}

function gatherRows(m: FeatureMatrix, rows: Int32Array, out: Float64Array): void {
  const d = m.dims;
  for (let t = 0; t < rows.length; t++) {
    const r = rows[t] as number;
    out.set(m.data.subarray(r * d, r * d + d), t * d);
  }
}
