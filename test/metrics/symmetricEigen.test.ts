import { describe, expect, it } from 'vitest';
import { symmetricEigen } from '../../src/metrics/symmetricEigen.js';
import { expectClose } from '../helpers.js';
import { gaussian } from './referenceLinalg.js';

/** A random orthogonal [n, n] matrix (rows orthonormal) by Gram-Schmidt, and A = Q^T diag Q. */
function withSpectrum(spectrum: number[], seed: number): Float64Array {
  const n = spectrum.length;
  const g = gaussian(seed, n * n);
  const q: number[][] = [];
  for (let i = 0; i < n; i++) {
    const v = Array.from(g.subarray(i * n, i * n + n));
    for (const u of q) {
      const dot = u.reduce((s, x, k) => s + x * v[k]!, 0);
      for (let k = 0; k < n; k++) v[k]! -= dot * u[k]!;
    }
    const norm = Math.hypot(...v);
    q.push(v.map((x) => x / norm));
  }
  const a = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let k = 0; k < n; k++) s += q[k]![i]! * spectrum[k]! * q[k]![j]!;
      a[i * n + j] = s;
    }
  }
  return a;
}

function checkDecomposition(a: Float64Array, n: number): void {
  const { eigenvalues: w, eigenvectors: v } = symmetricEigen(a, n);
  expect(v).toBeDefined();
  const reconstructed = new Float64Array(n * n);
  const gram = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0;
      let o = 0;
      for (let k = 0; k < n; k++) {
        s += v![i * n + k]! * w[k]! * v![j * n + k]!;
        o += v![k * n + i]! * v![k * n + j]!;
      }
      reconstructed[i * n + j] = s;
      gram[i * n + j] = o;
    }
  }
  expectClose(reconstructed, a, { rtol: 0, atol: 1e-12 * n });
  const identity = Float64Array.from({ length: n * n }, (_, k) => (k % (n + 1) === 0 ? 1 : 0));
  expectClose(gram, identity, { rtol: 0, atol: 1e-12 * n });
  for (let j = 1; j < n; j++) expect(w[j]!).toBeGreaterThanOrEqual(w[j - 1]!);
}

describe('symmetricEigen', () => {
  for (const n of [1, 2, 7, 40]) {
    it(`symmetricEigen random symmetric n=${n}: A = V diag V^T, V^T V = I`, () => {
      const g = gaussian(n, n * n);
      const a = new Float64Array(n * n);
      for (let i = 0; i < n; i++)
        for (let j = 0; j <= i; j++) a[i * n + j] = a[j * n + i] = g[i * n + j]!;
      checkDecomposition(a, n);
    });
  }

  it('symmetricEigen known spectrum n=6 with repeated and zero eigenvalues', () => {
    const spectrum = [0, 0, 1, 1, 1, 5];
    const a = withSpectrum(spectrum, 3);
    checkDecomposition(a, 6);
    expectClose(symmetricEigen(a, 6).eigenvalues, spectrum, { rtol: 0, atol: 1e-12 });
    const valuesOnly = symmetricEigen(a, 6, { vectors: false });
    expect(valuesOnly.eigenvectors).toBeUndefined();
    expectClose(valuesOnly.eigenvalues, spectrum, { rtol: 0, atol: 1e-12 });
  });

  it('symmetricEigen already diagonal n=4 and the zero matrix n=3', () => {
    const d = Float64Array.from([3, 0, 0, 0, 0, -1, 0, 0, 0, 0, 2, 0, 0, 0, 0, 0]);
    expectClose(symmetricEigen(d, 4).eigenvalues, [-1, 0, 2, 3], { rtol: 0, atol: 1e-15 });
    checkDecomposition(d, 4);
    expectClose(symmetricEigen(new Float64Array(9), 3).eigenvalues, [0, 0, 0], { atol: 0 });
  });

  it('symmetricEigen rejects a non-square length', () => {
    expect(() => symmetricEigen(new Float64Array(5), 2)).toThrow(
      /symmetricEigen: expected an \[n, n\]/,
    );
  });
});
