import { checkFeatureMatrix, checkFinite } from './featureMatrix.js';
import type { FeatureMatrix, Provenance } from './featureMatrix.js';
import { featureStatistics } from './featureStatistics.js';
import type { FeatureStatistics } from './featureStatistics.js';
import { loadLinalg } from './linalg.js';
import type { Linalg, LinalgName } from './linalg.js';
import { mirrorLower, multiplyABt } from './matrixProduct.js';

/** The Fréchet distance between two Gaussians and its two parts. */
export interface FrechetTerms {
  /** ||mu1 - mu2||^2 + tr(S1) + tr(S2) - 2 tr((S1 S2)^(1/2)), clamped at 0. */
  value: number;
  /** ||mu1 - mu2||^2 */
  meanTerm: number;
  /** tr(S1) + tr(S2) - 2 tr((S1 S2)^(1/2)), before clamping. */
  covarianceTerm: number;
  dims: number;
  /** Which eigensolver ran. */
  linalg: LinalgName;
}

/** A Fréchet (Inception) distance with everything that changes its value. */
export interface FrechetResult extends FrechetTerms {
  metric: 'fid';
  realSamples: number;
  fakeSamples: number;
  provenance: Provenance;
}

export interface FrechetOptions {
  /** An implementation to use; default: the native addon when present, else TypeScript. */
  linalg?: Linalg;
  provenance?: Provenance;
}

/**
 * Fréchet distance between Gaussians fitted to the real and fake features. Either side may be
 * given as precomputed statistics (typically the real set's, cached).
 */
export async function frechetDistance(
  real: FeatureMatrix | FeatureStatistics,
  fake: FeatureMatrix | FeatureStatistics,
  options: FrechetOptions = {},
): Promise<FrechetResult> {
  const linalg = options.linalg ?? (await loadLinalg());
  const realStats = asStatistics(real, 'real', linalg);
  const fakeStats = asStatistics(fake, 'fake', linalg);
  if (realStats.dims !== fakeStats.dims) {
    throw new Error(
      `frechetDistance: expected real and fake features of the same dims, got ` +
        `${realStats.dims} and ${fakeStats.dims}`,
    );
  }
  const terms = await frechetFromStatistics(
    realStats.mean,
    realStats.covariance,
    fakeStats.mean,
    fakeStats.covariance,
    { ...options, linalg },
  );
  return {
    metric: 'fid',
    ...terms,
    realSamples: realStats.samples,
    fakeSamples: fakeStats.samples,
    provenance: options.provenance ?? {},
  };
}

/** The Fréchet distance between N(mu1, sigma1) and N(mu2, sigma2); sigmas are [d, d] row-major. */
export async function frechetFromStatistics(
  mu1: Float64Array,
  sigma1: Float64Array,
  mu2: Float64Array,
  sigma2: Float64Array,
  options: { linalg?: Linalg } = {},
): Promise<FrechetTerms> {
  const d = mu1.length;
  if (mu2.length !== d || sigma1.length !== d * d || sigma2.length !== d * d) {
    throw new Error(
      `frechetFromStatistics: expected means of length d and [d, d] covariances, got means ` +
        `${mu1.length} and ${mu2.length}, covariances of ${sigma1.length} and ${sigma2.length} values`,
    );
  }
  for (const [name, v] of [
    ['mu1', mu1],
    ['sigma1', sigma1],
    ['mu2', mu2],
    ['sigma2', sigma2],
  ] as const) {
    checkFinite(v, name, 'frechetFromStatistics');
  }
  const linalg = options.linalg ?? (await loadLinalg());
  let meanTerm = 0;
  for (let i = 0; i < d; i++) meanTerm += ((mu1[i] as number) - (mu2[i] as number)) ** 2;
  const s1 = symmetrized(sigma1, d);
  const s2 = symmetrized(sigma2, d);
  let traces = 0;
  for (let i = 0; i < d; i++) traces += (s1[i * d + i] as number) + (s2[i * d + i] as number);
  const covarianceTerm = traces - 2 * traceSqrtProduct(s1, s2, d, linalg);
  const value = Math.max(0, meanTerm + covarianceTerm);
  return { value, meanTerm, covarianceTerm, dims: d, linalg: linalg.name };
}

/**
 * tr((S1 S2)^(1/2)) for symmetric positive semi-definite S1, S2, without inverting anything:
 * with S1 = V D V^T and B = V D^(1/2), S1 S2 is similar (on its non-zero spectrum) to the
 * symmetric B^T S2 B, whose eigenvalues are real and non-negative up to rounding. Directions
 * where S1 is zero (fewer samples than dims) simply drop out of B.
 */
export function traceSqrtProduct(
  s1: Float64Array,
  s2: Float64Array,
  d: number,
  linalg: Linalg,
): number {
  const { eigenvalues, eigenvectors } = linalg.symmetricEigen(s1, d, { vectors: true });
  if (!eigenvectors) throw new Error('traceSqrtProduct: the eigensolver returned no eigenvectors');
  const kept: number[] = [];
  for (let j = 0; j < d; j++) if ((eigenvalues[j] as number) > 0) kept.push(j);
  const r = kept.length;
  if (r === 0) return 0;
  // Bt = B^T as rows: row t is sqrt(lambda_j) times eigenvector j.
  const bt = new Float64Array(r * d);
  for (let t = 0; t < r; t++) {
    const j = kept[t] as number;
    const root = Math.sqrt(eigenvalues[j] as number);
    for (let i = 0; i < d; i++) bt[t * d + i] = root * (eigenvectors[i * d + j] as number);
  }
  // W = B^T S2 is Bt S2^T since S2 is symmetric; then M = W B = W Bt^T.
  const w = linalg.multiplyABt
    ? linalg.multiplyABt(bt, r, s2, d, d)
    : multiplyABt(bt, r, s2, d, d, new Float64Array(r * d));
  const m = linalg.multiplyABt
    ? symmetrized(linalg.multiplyABt(w, r, bt, r, d), r)
    : mirrorLower(multiplyABt(w, r, bt, r, d, new Float64Array(r * r), { lower: true }), r);
  const spectrum = linalg.symmetricEigen(m, r, { vectors: false }).eigenvalues;
  let trace = 0;
  for (const lambda of spectrum) if (lambda > 0) trace += Math.sqrt(lambda);
  return trace;
}

function asStatistics(
  x: FeatureMatrix | FeatureStatistics,
  name: string,
  linalg: Linalg,
): FeatureStatistics {
  if ('covariance' in x) {
    if (x.mean.length !== x.dims || x.covariance.length !== x.dims * x.dims) {
      throw new Error(
        `frechetDistance: expected ${name} statistics with a [${x.dims}] mean and a ` +
          `[${x.dims}, ${x.dims}] covariance, got ${x.mean.length} and ${x.covariance.length} values`,
      );
    }
    return x;
  }
  checkFeatureMatrix(x, name, 'frechetDistance');
  return featureStatistics(x, linalg);
}

/** (S + S^T) / 2, so a covariance saved with rounding asymmetry is read the same by every path. */
function symmetrized(s: Float64Array, d: number): Float64Array {
  const out = new Float64Array(d * d);
  for (let i = 0; i < d; i++) {
    out[i * d + i] = s[i * d + i] as number;
    for (let j = 0; j < i; j++) {
      const v = 0.5 * ((s[i * d + j] as number) + (s[j * d + i] as number));
      out[i * d + j] = v;
      out[j * d + i] = v;
    }
  }
  return out;
}
