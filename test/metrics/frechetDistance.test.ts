import { describe, expect, it } from 'vitest';
import { featureStatistics } from '../../src/metrics/featureStatistics.js';
import { frechetDistance, frechetFromStatistics } from '../../src/metrics/frechetDistance.js';
import { loadLinalg, typescriptLinalg } from '../../src/metrics/linalg.js';
import { multiplyABt } from '../../src/metrics/matrixProduct.js';
import { expectClose } from '../helpers.js';
import { centred, gaussian, jacobiEigenvalues } from './referenceLinalg.js';

const ts = { linalg: typescriptLinalg };

function diagonal(values: number[]): Float64Array {
  const n = values.length;
  const m = new Float64Array(n * n);
  values.forEach((v, i) => (m[i * n + i] = v));
  return m;
}

describe('frechetDistance', () => {
  it('frechetFromStatistics diagonal Gaussians d=4: closed form', async () => {
    const m1 = [0.5, -1, 2, 0];
    const m2 = [1, 1, -0.5, 0];
    const s1 = [1, 4, 0.25, 9];
    const s2 = [2, 1, 0.25, 0];
    let expected = 0;
    for (let i = 0; i < 4; i++)
      expected += (m1[i]! - m2[i]!) ** 2 + s1[i]! + s2[i]! - 2 * Math.sqrt(s1[i]! * s2[i]!);
    const r = await frechetFromStatistics(
      Float64Array.from(m1),
      diagonal(s1),
      Float64Array.from(m2),
      diagonal(s2),
      ts,
    );
    expect(r.value).toBeCloseTo(expected, 12);
    expect(r.linalg).toBe('typescript');
  });

  it('frechetFromStatistics 2x2 non-diagonal by hand: tr sqrt(M) = sqrt(tr M + 2 sqrt(det M))', async () => {
    // S1 S2 = [[2, 4], [1, 8]]: trace 10, determinant 3 * 4 = 12.
    const s1 = Float64Array.from([2, 1, 1, 2]);
    const s2 = Float64Array.from([1, 0, 0, 4]);
    const mu1 = Float64Array.from([1, 2]);
    const mu2 = Float64Array.from([0, 0]);
    const expected = 5 + 4 + 5 - 2 * Math.sqrt(10 + 2 * Math.sqrt(12));
    const r = await frechetFromStatistics(mu1, s1, mu2, s2, ts);
    expect(r.value).toBeCloseTo(expected, 12);
    expect(r.meanTerm).toBeCloseTo(5, 14);
  });

  it('featureStatistics x=[7,3]: mean and unbiased covariance against loops', () => {
    const n = 7;
    const d = 3;
    const data = gaussian(11, n * d).map((v, i) => v + (i % d) * 100);
    const stats = featureStatistics({ data, samples: n, dims: d });
    const c = centred(data, n, d);
    for (let i = 0; i < d; i++) {
      let mean = 0;
      for (let s = 0; s < n; s++) mean += data[s * d + i]!;
      expect(stats.mean[i]).toBeCloseTo(mean / n, 12);
      for (let j = 0; j < d; j++) {
        let cov = 0;
        for (let s = 0; s < n; s++) cov += c[s]![i]! * c[s]![j]!;
        expect(stats.covariance[i * d + j]).toBeCloseTo(cov / (n - 1), 12);
      }
    }
  });

  it('featureStatistics x=[600,5] spans several chunks and matches loops', () => {
    const n = 600;
    const d = 5;
    const data = gaussian(12, n * d);
    const stats = featureStatistics({ data, samples: n, dims: d });
    const c = centred(data, n, d);
    const expected = new Float64Array(d * d);
    for (let i = 0; i < d; i++)
      for (let j = 0; j < d; j++) {
        let s = 0;
        for (let k = 0; k < n; k++) s += c[k]![i]! * c[k]![j]!;
        expected[i * d + j] = s / (n - 1);
      }
    expectClose(stats.covariance, expected, { rtol: 1e-12, atol: 1e-13 });
  });

  it('frechetDistance identical sets x=[40,6] give ~0', async () => {
    const f = { data: gaussian(5, 240), samples: 40, dims: 6 };
    const r = await frechetDistance(f, f, { ...ts, provenance: { extractor: 'test' } });
    expect(r.value).toBeGreaterThanOrEqual(0);
    expect(r.value).toBeLessThan(1e-10);
    expect(r).toMatchObject({
      metric: 'fid',
      realSamples: 40,
      fakeSamples: 40,
      dims: 6,
      provenance: { extractor: 'test' },
    });
  });

  it('frechetDistance rank-deficient real=[50,100] fake=[60,100] matches the cross-product route', async () => {
    const d = 100;
    const real = gaussian(21, 50 * d);
    const fake = gaussian(22, 60 * d).map((v, i) => 1.5 * v + (i % d === 0 ? 1 : 0));
    const r = await frechetDistance(
      { data: real, samples: 50, dims: d },
      { data: fake, samples: 60, dims: d },
      ts,
    );
    // Reference: S1 = A^T A / 49, S2 = B^T B / 59 with centred A, B; the non-zero eigenvalues of
    // S1 S2 are the squared singular values of A B^T / sqrt(49 * 59).
    const a = centred(real, 50, d);
    const b = centred(fake, 60, d);
    const cross = a.map((ra) => b.map((rb) => ra.reduce((s, x, k) => s + x * rb[k]!, 0)));
    const gram = new Float64Array(50 * 50);
    for (let i = 0; i < 50; i++)
      for (let j = 0; j < 50; j++) {
        gram[i * 50 + j] = cross[i]!.reduce((s, x, k) => s + x * cross[j]![k]!, 0);
      }
    const traceSqrt =
      jacobiEigenvalues(gram, 50).reduce((s, l) => s + Math.sqrt(Math.max(l, 0)), 0) /
      Math.sqrt(49 * 59);
    let meanTerm = 0;
    let traces = 0;
    for (let j = 0; j < d; j++) {
      const ma = real.filter((_, i) => i % d === j).reduce((s, x) => s + x, 0) / 50;
      const mb = fake.filter((_, i) => i % d === j).reduce((s, x) => s + x, 0) / 60;
      meanTerm += (ma - mb) ** 2;
      traces +=
        a.reduce((s, row) => s + row[j]! ** 2, 0) / 49 +
        b.reduce((s, row) => s + row[j]! ** 2, 0) / 59;
    }
    const expected = meanTerm + traces - 2 * traceSqrt;
    expect(Number.isFinite(r.value)).toBe(true);
    expect(r.value).toBeGreaterThan(0);
    expect(Math.abs(r.value - expected)).toBeLessThan(1e-7 * expected);
  });

  it('frechetDistance accepts cached real statistics x=[30,4]', async () => {
    const real = { data: gaussian(31, 120), samples: 30, dims: 4 };
    const fake = { data: gaussian(32, 120), samples: 30, dims: 4 };
    const direct = await frechetDistance(real, fake, ts);
    const cached = await frechetDistance(featureStatistics(real), fake, ts);
    expect(cached.value).toBe(direct.value);
    expect(cached.realSamples).toBe(30);
  });

  it('frechetDistance rejects mismatched dims [5,3] vs [5,4]', async () => {
    await expect(
      frechetDistance(
        { data: new Float64Array(15), samples: 5, dims: 3 },
        { data: new Float64Array(20), samples: 5, dims: 4 },
        ts,
      ),
    ).rejects.toThrow(
      /frechetDistance: expected real and fake features of the same dims, got 3 and 4/,
    );
  });

  it('loadLinalg auto falls back to a working implementation and names it', async () => {
    const linalg = await loadLinalg();
    expect(['typescript', 'native']).toContain(linalg.name);
    expect((await loadLinalg('typescript')).name).toBe('typescript');
  });

  it('multiplyABt a=[9,13] b=[6,13]: full and lower against loops', () => {
    const a = gaussian(41, 9 * 13);
    const b = gaussian(42, 6 * 13);
    const out = multiplyABt(a, 9, b, 6, 13, new Float64Array(54));
    for (let i = 0; i < 9; i++)
      for (let j = 0; j < 6; j++) {
        let s = 0;
        for (let k = 0; k < 13; k++) s += a[i * 13 + k]! * b[j * 13 + k]!;
        expect(out[i * 6 + j]).toBeCloseTo(s, 12);
      }
    const lower = multiplyABt(a, 9, a, 9, 13, new Float64Array(81).fill(7), { lower: true });
    for (let i = 0; i < 9; i++)
      for (let j = 0; j < 9; j++) {
        let s = 0;
        for (let k = 0; k < 13; k++) s += a[i * 13 + k]! * a[j * 13 + k]!;
        expect(lower[i * 9 + j]).toBeCloseTo(j <= i ? s : 7, 12);
      }
  });
});
