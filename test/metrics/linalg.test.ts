import { describe, expect, it } from 'vitest';
import { linalgFromNative } from '../../src/metrics/linalg.js';
import { expectClose } from '../helpers.js';

// A = R diag(4, 1, 2) R^T with R a rotation by 30 degrees in the (0, 1) plane.
const c = Math.cos(Math.PI / 6);
const s = Math.sin(Math.PI / 6);
const r = [
  [c, -s, 0],
  [s, c, 0],
  [0, 0, 1],
];
const w = [4, 1, 2];
const a = new Float64Array(9);
for (let i = 0; i < 3; i++)
  for (let j = 0; j < 3; j++)
    a[i * 3 + j] = [0, 1, 2].reduce((t, k) => t + r[i]![k]! * w[k]! * r[j]![k]!, 0);

function check(eigenvalues: Float64Array, eigenvectors: Float64Array): void {
  expectClose(eigenvalues, [1, 2, 4], { atol: 1e-12 });
  for (let j = 0; j < 3; j++) {
    for (let i = 0; i < 3; i++) {
      let av = 0;
      for (let k = 0; k < 3; k++) av += a[i * 3 + k]! * eigenvectors[k * 3 + j]!;
      expect(av).toBeCloseTo(eigenvalues[j]! * eigenvectors[i * 3 + j]!, 12);
    }
  }
}

describe('linalgFromNative', () => {
  it('linalgFromNative n=3 eigenvectors in columns, unsorted: sorted ascending', () => {
    const linalg = linalgFromNative(() => ({
      eigenvalues: Float64Array.from(w),
      eigenvectors: Float64Array.from(r.flat()),
    }));
    expect(linalg.name).toBe('native');
    const out = linalg.symmetricEigen(a, 3);
    check(out.eigenvalues, out.eigenvectors!);
  });

  it('linalgFromNative n=3 eigenvectors in rows (LAPACK column-major copied as is): reoriented', () => {
    const rows = new Float64Array(9);
    for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) rows[j * 3 + i] = r[i]![j]!;
    const out = linalgFromNative(() => ({
      eigenvalues: Float64Array.from(w),
      eigenvectors: rows,
    })).symmetricEigen(a, 3);
    check(out.eigenvalues, out.eigenvectors!);
  });

  it('linalgFromNative rejects wrong output sizes', () => {
    const bad = linalgFromNative(() => ({
      eigenvalues: new Float64Array(2),
      eigenvectors: new Float64Array(9),
    }));
    expect(() => bad.symmetricEigen(a, 3)).toThrow(
      /expected 3 eigenvalues and 9 vector entries, got 2 and 9/,
    );
  });
});
