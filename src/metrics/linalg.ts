import { symmetricEigen as typescriptSymmetricEigen } from './symmetricEigen.js';
import type { SymmetricEigenResult } from './symmetricEigen.js';

export type { SymmetricEigenResult } from './symmetricEigen.js';

/** Which implementation computed a metric's decompositions; reported in every result. */
export type LinalgName = 'typescript' | 'native';

/** The dense linear algebra the metrics need, from TypeScript or from the native addon. */
export interface Linalg {
  readonly name: LinalgName;
  /**
   * Eigenvalues (ascending) and, unless `vectors` is false, eigenvectors (row-major [n, n],
   * column j for eigenvalue j) of a symmetric [n, n] row-major matrix.
   */
  symmetricEigen(
    values: Float64Array,
    n: number,
    options?: { vectors?: boolean },
  ): SymmetricEigenResult;
  /** The unbiased covariance `[dims, dims]` of row-major `[samples, dims]` values, if offered. */
  covariance?(values: Float64Array, samples: number, dims: number): Float64Array;
  /** A B^T of row-major a `[aRows, depth]`, b `[bRows, depth]`, if offered. */
  multiplyABt?(
    a: Float64Array,
    aRows: number,
    b: Float64Array,
    bRows: number,
    depth: number,
  ): Float64Array;
}

/** The pure TypeScript implementation; always available. */
export const typescriptLinalg: Linalg = {
  name: 'typescript',
  symmetricEigen: (values, n, options) => typescriptSymmetricEigen(values, n, options),
};

/** The signature the native addon exports. */
export type NativeSymmetricEigen = (
  values: Float64Array,
  n: number,
) => { eigenvalues: Float64Array; eigenvectors: Float64Array };

const NATIVE_PACKAGE = '@dag-gan/tfjs-backend-torch';

let nativeLookup: Promise<Linalg | undefined> | undefined;

/**
 * The native addon's LAPACK eigensolver if the package is installed, built, and exports
 * `symmetricEigen`; otherwise undefined. Looked up once per process.
 */
export function nativeLinalg(): Promise<Linalg | undefined> {
  nativeLookup ??= (async () => {
    try {
      // A variable specifier keeps TypeScript from requiring the optional package at build time.
      const specifier: string = NATIVE_PACKAGE;
      const module = (await import(specifier)) as Record<string, unknown>;
      const fallback = module.default as Record<string, unknown> | undefined;
      const candidate = module.symmetricEigen ?? fallback?.symmetricEigen;
      if (typeof candidate !== 'function') return undefined;
      const linalg = linalgFromNative(candidate as NativeSymmetricEigen);
      // BLAS products, when the addon has them: the covariance of 10,000 x 2048 features is
      // most of FID's time in TypeScript.
      if (typeof module.covariance === 'function' && typeof module.multiplyABt === 'function') {
        return {
          ...linalg,
          covariance: module.covariance as NonNullable<Linalg['covariance']>,
          multiplyABt: module.multiplyABt as NonNullable<Linalg['multiplyABt']>,
        };
      }
      return linalg;
    } catch {
      // Not installed, not built, or fails to load: the TypeScript path is the documented fallback.
      return undefined;
    }
  })();
  return nativeLookup;
}

/**
 * Chooses the implementation: 'auto' (default) takes the native one when it loads and falls back
 * silently; 'native' insists on it; 'typescript' never looks.
 */
export async function loadLinalg(prefer: 'auto' | LinalgName = 'auto'): Promise<Linalg> {
  if (prefer === 'typescript') return typescriptLinalg;
  const native = await nativeLinalg();
  if (native) return native;
  if (prefer === 'native') {
    throw new Error(`loadLinalg: ${NATIVE_PACKAGE} with a built symmetricEigen is not available`);
  }
  return typescriptLinalg;
}

/**
 * Adapts the addon's `symmetricEigen(values, n)` to the Linalg contract: eigenvalues ascending,
 * eigenvectors as columns, whichever order and orientation the addon returns.
 */
export function linalgFromNative(native: NativeSymmetricEigen): Linalg {
  return {
    name: 'native',
    symmetricEigen(values, n, options = {}) {
      const result = native(values, n);
      const eigenvalues = Float64Array.from(result.eigenvalues);
      if (eigenvalues.length !== n || result.eigenvectors.length !== n * n) {
        throw new Error(
          `symmetricEigen (native): expected ${n} eigenvalues and ${n * n} vector entries, ` +
            `got ${eigenvalues.length} and ${result.eigenvectors.length}`,
        );
      }
      const vectors = orientColumns(values, n, eigenvalues, Float64Array.from(result.eigenvectors));
      return sortAscending(eigenvalues, options.vectors === false ? undefined : vectors, n);
    },
  };
}

/**
 * "Row-major" output of LAPACK may hold eigenvectors in rows or in columns depending on how the
 * addon copies it; check the residual of the largest eigenpair both ways (O(n^2)) and return
 * the column convention.
 */
function orientColumns(a: Float64Array, n: number, w: Float64Array, v: Float64Array): Float64Array {
  if (n < 2) return v;
  let top = 0;
  for (let j = 1; j < n; j++) if (Math.abs(w[j] as number) > Math.abs(w[top] as number)) top = j;
  const residual = (at: (i: number) => number): number => {
    let worst = 0;
    for (let i = 0; i < n; i++) {
      let s = 0;
      for (let k = 0; k < n; k++) s += (a[i * n + k] as number) * at(k);
      worst = Math.max(worst, Math.abs(s - (w[top] as number) * at(i)));
    }
    return worst;
  };
  const asColumns = residual((i) => v[i * n + top] as number);
  const asRows = residual((i) => v[top * n + i] as number);
  if (asColumns <= asRows) return v;
  const t = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) t[j * n + i] = v[i * n + j] as number;
  return t;
}

function sortAscending(
  w: Float64Array,
  v: Float64Array | undefined,
  n: number,
): SymmetricEigenResult {
  let sorted = true;
  for (let j = 1; j < n; j++) if ((w[j] as number) < (w[j - 1] as number)) sorted = false;
  if (sorted) return v ? { eigenvalues: w, eigenvectors: v } : { eigenvalues: w };
  const order = Array.from({ length: n }, (_, i) => i).sort(
    (p, q) => (w[p] as number) - (w[q] as number),
  );
  const eigenvalues = Float64Array.from(order, (i) => w[i] as number);
  if (!v) return { eigenvalues };
  const eigenvectors = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) eigenvectors[i * n + j] = v[i * n + (order[j] as number)] as number;
  }
  return { eigenvalues, eigenvectors };
}
