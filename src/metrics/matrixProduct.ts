/**
 * Dense float64 kernels shared by the metrics. Everything is expressed as A B^T on row-major
 * matrices, because then both operands are read along contiguous rows: covariances (on
 * transposed chunks), Gram matrices (KID), pairwise distances (precision/recall) and the
 * congruence in the Fréchet distance (B^T S B with S symmetric) all fit this one shape.
 */

/** Rows of `a` and `b` per cache block, and the length of the k-chunk kept in L1/L2. */
const ROW_BLOCK = 64;
const K_BLOCK = 256;

export interface MultiplyOptions {
  /** Only compute out[i, j] for j <= i (the result is symmetric); the rest is left as is. */
  lower?: boolean;
  /** Add into `out` instead of overwriting it. */
  accumulate?: boolean;
}

/**
 * out[i * bRows + j] (+)= sum_k a[i * depth + k] * b[j * depth + k], for a [aRows, depth] and
 * b [bRows, depth], so out is [aRows, bRows]. `a` and `b` may be the same array.
 */
export function multiplyABt(
  a: Float64Array,
  aRows: number,
  b: Float64Array,
  bRows: number,
  depth: number,
  out: Float64Array,
  { lower = false, accumulate = false }: MultiplyOptions = {},
): Float64Array {
  if (a.length < aRows * depth || b.length < bRows * depth || out.length < aRows * bRows) {
    throw new Error(
      `multiplyABt: expected a [${aRows}, ${depth}], b [${bRows}, ${depth}] and out ` +
        `[${aRows}, ${bRows}], got lengths ${a.length}, ${b.length}, ${out.length}`,
    );
  }
  if (!accumulate) {
    if (lower) {
      for (let i = 0; i < aRows; i++) out.fill(0, i * bRows, i * bRows + Math.min(i + 1, bRows));
    } else {
      out.fill(0, 0, aRows * bRows);
    }
  }
  for (let k0 = 0; k0 < depth; k0 += K_BLOCK) {
    const k1 = Math.min(depth, k0 + K_BLOCK);
    for (let j0 = 0; j0 < bRows; j0 += ROW_BLOCK) {
      const j1 = Math.min(bRows, j0 + ROW_BLOCK);
      // In the lower case, rows above the block's first column contribute nothing.
      for (let i0 = lower ? j0 : 0; i0 < aRows; i0 += ROW_BLOCK) {
        const i1 = Math.min(aRows, i0 + ROW_BLOCK);
        block(a, b, out, bRows, depth, i0, i1, j0, j1, k0, k1, lower);
      }
    }
  }
  return out;
}

/** One cache block: 4x4 register tiles, then a scalar edge. */
function block(
  a: Float64Array,
  b: Float64Array,
  out: Float64Array,
  ldo: number,
  depth: number,
  i0: number,
  i1: number,
  j0: number,
  j1: number,
  k0: number,
  k1: number,
  lower: boolean,
): void {
  let i = i0;
  for (; i + 4 <= i1; i += 4) {
    const jEnd = lower ? Math.min(j1, i + 4) : j1;
    let j = j0;
    for (; j + 4 <= jEnd; j += 4) {
      const a0 = i * depth;
      const a1 = a0 + depth;
      const a2 = a1 + depth;
      const a3 = a2 + depth;
      const b0 = j * depth;
      const b1 = b0 + depth;
      const b2 = b1 + depth;
      const b3 = b2 + depth;
      let s00 = 0,
        s01 = 0,
        s02 = 0,
        s03 = 0;
      let s10 = 0,
        s11 = 0,
        s12 = 0,
        s13 = 0;
      let s20 = 0,
        s21 = 0,
        s22 = 0,
        s23 = 0;
      let s30 = 0,
        s31 = 0,
        s32 = 0,
        s33 = 0;
      for (let k = k0; k < k1; k++) {
        const x0 = a[a0 + k] as number;
        const x1 = a[a1 + k] as number;
        const x2 = a[a2 + k] as number;
        const x3 = a[a3 + k] as number;
        const y0 = b[b0 + k] as number;
        const y1 = b[b1 + k] as number;
        const y2 = b[b2 + k] as number;
        const y3 = b[b3 + k] as number;
        s00 += x0 * y0;
        s01 += x0 * y1;
        s02 += x0 * y2;
        s03 += x0 * y3;
        s10 += x1 * y0;
        s11 += x1 * y1;
        s12 += x1 * y2;
        s13 += x1 * y3;
        s20 += x2 * y0;
        s21 += x2 * y1;
        s22 += x2 * y2;
        s23 += x2 * y3;
        s30 += x3 * y0;
        s31 += x3 * y1;
        s32 += x3 * y2;
        s33 += x3 * y3;
      }
      const o0 = i * ldo + j;
      const o1 = o0 + ldo;
      const o2 = o1 + ldo;
      const o3 = o2 + ldo;
      if (lower && j + 3 > i) {
        // A diagonal tile: keep its lower half only, the upper half belongs to no one.
        const s = [s00, s01, s02, s03, s10, s11, s12, s13, s20, s21, s22, s23, s30, s31, s32, s33];
        for (let r = 0; r < 4; r++) {
          for (let c = 0; c < 4; c++) {
            const o = o0 + r * ldo + c;
            if (j + c <= i + r) out[o] = (out[o] as number) + (s[r * 4 + c] as number);
          }
        }
        continue;
      }
      out[o0] = (out[o0] as number) + s00;
      out[o0 + 1] = (out[o0 + 1] as number) + s01;
      out[o0 + 2] = (out[o0 + 2] as number) + s02;
      out[o0 + 3] = (out[o0 + 3] as number) + s03;
      out[o1] = (out[o1] as number) + s10;
      out[o1 + 1] = (out[o1 + 1] as number) + s11;
      out[o1 + 2] = (out[o1 + 2] as number) + s12;
      out[o1 + 3] = (out[o1 + 3] as number) + s13;
      out[o2] = (out[o2] as number) + s20;
      out[o2 + 1] = (out[o2 + 1] as number) + s21;
      out[o2 + 2] = (out[o2 + 2] as number) + s22;
      out[o2 + 3] = (out[o2 + 3] as number) + s23;
      out[o3] = (out[o3] as number) + s30;
      out[o3 + 1] = (out[o3 + 1] as number) + s31;
      out[o3 + 2] = (out[o3 + 2] as number) + s32;
      out[o3 + 3] = (out[o3 + 3] as number) + s33;
    }
    for (let r = i; r < i + 4; r++) {
      const end = lower ? Math.min(j1, r + 1) : j1;
      for (let c = j; c < end; c++) {
        out[r * ldo + c] = (out[r * ldo + c] as number) + dot(a, r * depth, b, c * depth, k0, k1);
      }
    }
  }
  for (; i < i1; i++) {
    const end = lower ? Math.min(j1, i + 1) : j1;
    for (let c = j0; c < end; c++) {
      out[i * ldo + c] = (out[i * ldo + c] as number) + dot(a, i * depth, b, c * depth, k0, k1);
    }
  }
}

function dot(
  a: Float64Array,
  ao: number,
  b: Float64Array,
  bo: number,
  k0: number,
  k1: number,
): number {
  let s = 0;
  for (let k = k0; k < k1; k++) s += (a[ao + k] as number) * (b[bo + k] as number);
  return s;
}

/** Copies the lower triangle of a square [n, n] matrix onto its upper triangle. */
export function mirrorLower(m: Float64Array, n: number): Float64Array {
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < i; j++) m[j * n + i] = m[i * n + j] as number;
  }
  return m;
}
