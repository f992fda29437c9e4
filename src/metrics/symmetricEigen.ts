/**
 * Eigendecomposition of a real symmetric matrix in TypeScript: Householder reduction to
 * tridiagonal form, then the implicit QL iteration with Wilkinson shifts. This is the fallback
 * when no native LAPACK is available; it is O(n^3) with small constants and reads memory along
 * rows only.
 */

export interface SymmetricEigenResult {
  /** Ascending. */
  eigenvalues: Float64Array;
  /**
   * Row-major [n, n]; column j is the unit eigenvector of eigenvalue j, so
   * A = V diag(eigenvalues) V^T. Absent when only eigenvalues were asked for.
   */
  eigenvectors?: Float64Array;
}

const MAX_SWEEPS_PER_EIGENVALUE = 64;

/**
 * Eigenvalues (and, unless `vectors` is false, eigenvectors) of the symmetric [n, n] row-major
 * matrix `values`. Only the lower triangle is read; `values` is not modified.
 */
export function symmetricEigen(
  values: Float64Array,
  n: number,
  { vectors = true }: { vectors?: boolean } = {},
): SymmetricEigenResult {
  if (!Number.isInteger(n) || n < 0 || values.length !== n * n) {
    throw new Error(
      `symmetricEigen: expected an [n, n] matrix with n = ${n}, got ${values.length} values`,
    );
  }
  const a = Float64Array.from(values);
  const diagonal = new Float64Array(n);
  const offDiagonal = new Float64Array(n);
  const betas = new Float64Array(n);
  tridiagonalize(a, n, diagonal, offDiagonal, betas);
  // Rows of `basis` are the columns of the orthogonal Q with A = Q T Q^T; the QL rotations are
  // then applied to rows, which are contiguous.
  const basis = vectors ? accumulateBasis(a, n, betas) : undefined;
  tridiagonalQL(diagonal, offDiagonal, n, basis);

  const order = Array.from({ length: n }, (_, i) => i).sort(
    (p, q) => (diagonal[p] as number) - (diagonal[q] as number),
  );
  const eigenvalues = Float64Array.from(order, (i) => diagonal[i] as number);
  if (!basis) return { eigenvalues };
  const eigenvectors = new Float64Array(n * n);
  for (let j = 0; j < n; j++) {
    const row = (order[j] as number) * n;
    for (let i = 0; i < n; i++) eigenvectors[i * n + j] = basis[row + i] as number;
  }
  return { eigenvectors, eigenvalues };
}

/**
 * Reduces the lower triangle of `a` in place, last row first. Row i's leading part becomes the
 * Householder vector v_i (acting on coordinates 0..i-1) with H_i = I - v v^T / beta_i; the
 * diagonal and sub-diagonal of T land in `d` and `e` (e[i] = T[i, i-1]).
 */
function tridiagonalize(
  a: Float64Array,
  n: number,
  d: Float64Array,
  e: Float64Array,
  betas: Float64Array,
): void {
  const p = new Float64Array(n);
  for (let i = n - 1; i >= 1; i--) {
    const l = i - 1;
    const row = i * n;
    let norm2 = 0;
    for (let k = 0; k <= l; k++) norm2 += (a[row + k] as number) ** 2;
    const x = a[row + l] as number;
    if (l === 0 || norm2 === x * x || norm2 === 0) {
      // Already tridiagonal in this row: no reflection needed.
      e[i] = x;
      betas[i] = 0;
      continue;
    }
    const alpha = x >= 0 ? -Math.sqrt(norm2) : Math.sqrt(norm2);
    e[i] = alpha;
    // v = x - alpha e_l; beta = v.v / 2 = alpha^2 - alpha x.
    a[row + l] = x - alpha;
    const beta = norm2 - alpha * x;
    betas[i] = beta;

    // p = A v / beta over the leading (l + 1) block, from its lower triangle by rows.
    p.fill(0, 0, i);
    for (let j = 0; j <= l; j++) {
      const rj = j * n;
      const vj = a[row + j] as number;
      let sum = 0;
      for (let k = 0; k < j; k++) {
        const ajk = a[rj + k] as number;
        sum += ajk * (a[row + k] as number);
        p[k] = (p[k] as number) + ajk * vj;
      }
      p[j] = (p[j] as number) + sum + (a[rj + j] as number) * vj;
    }
    let vp = 0;
    for (let k = 0; k <= l; k++) {
      p[k] = (p[k] as number) / beta;
      vp += (p[k] as number) * (a[row + k] as number);
    }
    // q = p - (v.p / (2 beta)) v; A <- A - v q^T - q v^T (lower triangle).
    const half = vp / (2 * beta);
    for (let k = 0; k <= l; k++) p[k] = (p[k] as number) - half * (a[row + k] as number);
    for (let j = 0; j <= l; j++) {
      const rj = j * n;
      const vj = a[row + j] as number;
      const qj = p[j] as number;
      for (let k = 0; k <= j; k++) {
        a[rj + k] = (a[rj + k] as number) - vj * (p[k] as number) - qj * (a[row + k] as number);
      }
    }
  }
  e[0] = 0;
  for (let i = 0; i < n; i++) d[i] = a[i * n + i] as number;
}

/** Q^T = (H_{n-1} ... H_1)^T = H_1 ... H_{n-1}, built as rows. */
function accumulateBasis(a: Float64Array, n: number, betas: Float64Array): Float64Array {
  const qt = new Float64Array(n * n);
  for (let i = 0; i < n; i++) qt[i * n + i] = 1;
  // Q^T <- Q^T H_i for i = 1 .. n-1; before step i only the leading i x i block differs from I.
  for (let i = 1; i < n; i++) {
    const beta = betas[i] as number;
    if (beta === 0) continue;
    const v = i * n;
    for (let r = 0; r < i; r++) {
      const rr = r * n;
      let s = 0;
      for (let k = 0; k < i; k++) s += (qt[rr + k] as number) * (a[v + k] as number);
      if (s === 0) continue;
      const f = s / beta;
      for (let k = 0; k < i; k++) qt[rr + k] = (qt[rr + k] as number) - f * (a[v + k] as number);
    }
  }
  return qt;
}

/**
 * Diagonalises the symmetric tridiagonal (d, e) in place (e[i] = T[i, i-1] on entry), applying
 * each plane rotation to the rows of `basis` when given.
 */
function tridiagonalQL(d: Float64Array, e: Float64Array, n: number, basis?: Float64Array): void {
  // Work with sub[i] = T[i+1, i].
  for (let i = 1; i < n; i++) e[i - 1] = e[i] as number;
  if (n > 0) e[n - 1] = 0;
  const eps = Number.EPSILON;
  for (let l = 0; l < n; l++) {
    let sweeps = 0;
    for (;;) {
      let m = l;
      for (; m < n - 1; m++) {
        const scale = Math.abs(d[m] as number) + Math.abs(d[m + 1] as number);
        if (Math.abs(e[m] as number) <= eps * scale) break;
      }
      if (m === l) break;
      if (++sweeps > MAX_SWEEPS_PER_EIGENVALUE) {
        throw new Error(
          `symmetricEigen: QL iteration did not converge for eigenvalue ${l} of ${n}`,
        );
      }
      // Wilkinson shift from the leading 2x2 of the unreduced block.
      let g = ((d[l + 1] as number) - (d[l] as number)) / (2 * (e[l] as number));
      let r = Math.hypot(g, 1);
      g = (d[m] as number) - (d[l] as number) + (e[l] as number) / (g + (g >= 0 ? r : -r));
      let s = 1;
      let c = 1;
      let p = 0;
      let deflated = false;
      for (let i = m - 1; i >= l; i--) {
        const f = s * (e[i] as number);
        const b = c * (e[i] as number);
        r = Math.hypot(f, g);
        e[i + 1] = r;
        if (r === 0) {
          // Underflow: the block split at i; restart on the smaller problem.
          d[i + 1] = (d[i + 1] as number) - p;
          e[m] = 0;
          deflated = true;
          break;
        }
        s = f / r;
        c = g / r;
        g = (d[i + 1] as number) - p;
        r = ((d[i] as number) - g) * s + 2 * c * b;
        p = s * r;
        d[i + 1] = g + p;
        g = c * r - b;
        if (basis) rotateRows(basis, n, i, s, c);
      }
      if (deflated) continue;
      d[l] = (d[l] as number) - p;
      e[l] = g;
      e[m] = 0;
    }
  }
}

/** Rows i and i+1 of `basis` <- the rotation (c, s) applied to them. */
function rotateRows(basis: Float64Array, n: number, i: number, s: number, c: number): void {
  const u = i * n;
  const w = u + n;
  for (let k = 0; k < n; k++) {
    const x = basis[u + k] as number;
    const y = basis[w + k] as number;
    basis[w + k] = s * x + c * y;
    basis[u + k] = c * x - s * y;
  }
}
