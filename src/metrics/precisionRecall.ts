import { checkFeatureMatrix } from './featureMatrix.js';
import type { FeatureMatrix, Provenance } from './featureMatrix.js';
import { multiplyABt } from './matrixProduct.js';

/** Improved precision and recall (Kynkäänniemi et al. 2019) with k-NN manifolds. */
export interface PrecisionRecallResult {
  metric: 'precision-recall';
  /** Share of fake samples inside the real manifold. */
  precision: number;
  /** Share of real samples inside the fake manifold. */
  recall: number;
  k: number;
  realSamples: number;
  fakeSamples: number;
  dims: number;
  provenance: Provenance;
}

/** Rows per distance block: a [BLOCK, BLOCK] float64 tile is half a megabyte. */
const BLOCK = 256;

/**
 * A set's manifold is the union of balls around its samples, each with the radius of that
 * sample's k-th nearest neighbour in the same set (the sample itself not counted). Distances are
 * exact Euclidean, computed in float64 blocks, so memory stays O(BLOCK^2) for any set size.
 */
export function precisionRecall(
  real: FeatureMatrix,
  fake: FeatureMatrix,
  { k = 3, provenance = {} }: { k?: number; provenance?: Provenance } = {},
): PrecisionRecallResult {
  checkFeatureMatrix(real, 'real', 'precisionRecall');
  checkFeatureMatrix(fake, 'fake', 'precisionRecall');
  if (real.dims !== fake.dims) {
    throw new Error(
      `precisionRecall: expected real and fake features of the same dims, got ${real.dims} and ${fake.dims}`,
    );
  }
  if (!Number.isInteger(k) || k < 1) throw new Error(`precisionRecall: expected k >= 1, got ${k}`);
  const fewest = Math.min(real.samples, fake.samples);
  if (fewest <= k) {
    throw new Error(
      `precisionRecall: expected more than k = ${k} samples in each set, got ${real.samples} ` +
        `real and ${fake.samples} fake`,
    );
  }
  const realNorms = squaredNorms(real);
  const fakeNorms = squaredNorms(fake);
  const realRadii = kthNeighbourRadii(real, realNorms, k);
  const fakeRadii = kthNeighbourRadii(fake, fakeNorms, k);
  const precision = coverage(fake, fakeNorms, real, realNorms, realRadii);
  const recall = coverage(real, realNorms, fake, fakeNorms, fakeRadii);
  return {
    metric: 'precision-recall',
    precision,
    recall,
    k,
    realSamples: real.samples,
    fakeSamples: fake.samples,
    dims: real.dims,
    provenance,
  };
}

function squaredNorms(m: FeatureMatrix): Float64Array {
  const out = new Float64Array(m.samples);
  for (let i = 0; i < m.samples; i++) {
    let s = 0;
    for (let j = 0; j < m.dims; j++) s += (m.data[i * m.dims + j] as number) ** 2;
    out[i] = s;
  }
  return out;
}

/**
 * Hands `visitBlock` the squared distances between rows i0..i1 of `a` and rows j0..j1 of `b`,
 * tile by tile ([i1 - i0, j1 - j0], row-major); returning false skips the remaining tiles of
 * that row block.
 */
function forEachDistanceBlock(
  a: FeatureMatrix,
  aNorms: Float64Array,
  b: FeatureMatrix,
  bNorms: Float64Array,
  visitBlock: (i0: number, i1: number, j0: number, j1: number, d2: Float64Array) => boolean,
): void {
  const d = a.dims;
  const tile = new Float64Array(BLOCK * BLOCK);
  for (let i0 = 0; i0 < a.samples; i0 += BLOCK) {
    const i1 = Math.min(a.samples, i0 + BLOCK);
    for (let j0 = 0; j0 < b.samples; j0 += BLOCK) {
      const j1 = Math.min(b.samples, j0 + BLOCK);
      const w = j1 - j0;
      multiplyABt(
        a.data.subarray(i0 * d, i1 * d),
        i1 - i0,
        b.data.subarray(j0 * d, j1 * d),
        w,
        d,
        tile,
      );
      for (let i = i0; i < i1; i++) {
        const row = (i - i0) * w;
        for (let j = j0; j < j1; j++) {
          const dot = tile[row + j - j0] as number;
          tile[row + j - j0] = Math.max(0, (aNorms[i] as number) + (bNorms[j] as number) - 2 * dot);
        }
      }
      if (!visitBlock(i0, i1, j0, j1, tile)) break;
    }
  }
}

/** Squared distance from each sample to its k-th nearest other sample in the same set. */
function kthNeighbourRadii(m: FeatureMatrix, norms: Float64Array, k: number): Float64Array {
  // The k + 1 smallest squared distances per row, self (0) included, kept sorted.
  const keep = k + 1;
  const best = new Float64Array(m.samples * keep).fill(Infinity);
  forEachDistanceBlock(m, norms, m, norms, (i0, i1, j0, j1, d2) => {
    const w = j1 - j0;
    for (let i = i0; i < i1; i++) {
      const base = i * keep;
      for (let j = j0; j < j1; j++) {
        // The self distance is exactly 0, whatever rounding made of it.
        const v = i === j ? 0 : (d2[(i - i0) * w + j - j0] as number);
        if (v >= (best[base + keep - 1] as number)) continue;
        let p = keep - 1;
        while (p > 0 && (best[base + p - 1] as number) > v) {
          best[base + p] = best[base + p - 1] as number;
          p--;
        }
        best[base + p] = v;
      }
    }
    return true;
  });
  const radii = new Float64Array(m.samples);
  for (let i = 0; i < m.samples; i++) radii[i] = best[i * keep + k] as number;
  return radii;
}

/** Share of `queries` within the radius of at least one sample of `reference`. */
function coverage(
  queries: FeatureMatrix,
  queryNorms: Float64Array,
  reference: FeatureMatrix,
  referenceNorms: Float64Array,
  referenceRadii: Float64Array,
): number {
  const inside = new Uint8Array(queries.samples);
  forEachDistanceBlock(queries, queryNorms, reference, referenceNorms, (i0, i1, j0, j1, d2) => {
    const w = j1 - j0;
    let open = 0;
    for (let i = i0; i < i1; i++) {
      if (inside[i]) continue;
      const row = (i - i0) * w;
      for (let j = j0; j < j1; j++) {
        if ((d2[row + j - j0] as number) <= (referenceRadii[j] as number)) {
          inside[i] = 1;
          break;
        }
      }
      if (!inside[i]) open++;
    }
    // Once every query of the block is inside, the remaining reference blocks cannot change it.
    return open > 0;
  });
  let count = 0;
  for (const v of inside) count += v;
  return count / queries.samples;
}
