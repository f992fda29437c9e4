/**
 * Independent references for the metric tests: plain loops and a cyclic Jacobi eigenvalue
 * method, sharing no code with src/metrics.
 */

/** A seeded generator for test data (a small LCG, not the product's Random). */
export function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 4294967296;
  };
}

/** Approximately standard normal values from a seeded generator (sum of 12 uniforms). */
export function gaussian(seed: number, count: number): Float64Array {
  const u = lcg(seed);
  const out = new Float64Array(count);
  for (let i = 0; i < count; i++) {
    let s = -6;
    for (let k = 0; k < 12; k++) s += u();
    out[i] = s;
  }
  return out;
}

/** Eigenvalues of a small symmetric [n, n] matrix by cyclic Jacobi rotations. */
export function jacobiEigenvalues(input: ArrayLike<number>, n: number): number[] {
  const a = Array.from({ length: n }, (_, i) =>
    Array.from({ length: n }, (_, j) => input[i * n + j] as number),
  );
  for (let sweep = 0; sweep < 100; sweep++) {
    let off = 0;
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) if (i !== j) off += a[i]![j]! ** 2;
    if (off < 1e-26) break;
    for (let p = 0; p < n; p++) {
      for (let q = p + 1; q < n; q++) {
        const apq = a[p]![q]!;
        if (Math.abs(apq) < 1e-300) continue;
        const theta = (a[q]![q]! - a[p]![p]!) / (2 * apq);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let k = 0; k < n; k++) {
          const akp = a[k]![p]!;
          const akq = a[k]![q]!;
          a[k]![p] = c * akp - s * akq;
          a[k]![q] = s * akp + c * akq;
        }
        for (let k = 0; k < n; k++) {
          const apk = a[p]![k]!;
          const aqk = a[q]![k]!;
          a[p]![k] = c * apk - s * aqk;
          a[q]![k] = s * apk + c * aqk;
        }
      }
    }
  }
  return a.map((row, i) => row[i]!).sort((x, y) => x - y);
}

/** Centred copy of a [samples, dims] matrix, as nested arrays. */
export function centred(data: ArrayLike<number>, samples: number, dims: number): number[][] {
  const mean = new Array<number>(dims).fill(0);
  for (let s = 0; s < samples; s++)
    for (let j = 0; j < dims; j++) mean[j]! += data[s * dims + j] as number;
  for (let j = 0; j < dims; j++) mean[j]! /= samples;
  return Array.from({ length: samples }, (_, s) =>
    Array.from({ length: dims }, (_, j) => (data[s * dims + j] as number) - mean[j]!),
  );
}
