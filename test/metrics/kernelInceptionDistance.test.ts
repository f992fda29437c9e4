import { describe, expect, it } from 'vitest';
import { kernelInceptionDistance } from '../../src/metrics/kernelInceptionDistance.js';
import { gaussian } from './referenceLinalg.js';

/** The unbiased MMD^2 written out over the formula, for whole sets of equal size m. */
function directMmd(x: Float64Array, y: Float64Array, m: number, d: number): number {
  const k = (a: Float64Array, i: number, b: Float64Array, j: number): number => {
    let dot = 0;
    for (let t = 0; t < d; t++) dot += a[i * d + t]! * b[j * d + t]!;
    return (dot / d + 1) ** 3;
  };
  let xx = 0;
  let yy = 0;
  let xy = 0;
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < m; j++) {
      if (i !== j) {
        xx += k(x, i, x, j);
        yy += k(y, i, y, j);
      }
      xy += k(x, i, y, j);
    }
  }
  return xx / (m * (m - 1)) + yy / (m * (m - 1)) - (2 * xy) / (m * m);
}

describe('kernelInceptionDistance', () => {
  const m = 9;
  const d = 5;
  const x = gaussian(1, m * d);
  const y = gaussian(2, m * d).map((v) => 0.8 * v + 0.3);
  const real = { data: x, samples: m, dims: d };
  const fake = { data: y, samples: m, dims: d };

  it('KID x=[9,5] subsetSize=n subsets=1 equals the direct formula', () => {
    const r = kernelInceptionDistance(real, fake, { subsets: 1, subsetSize: m, seed: 3 });
    expect(r.value).toBeCloseTo(directMmd(x, y, m, d), 12);
    expect(r.std).toBe(0);
    expect(r).toMatchObject({
      metric: 'kid',
      subsets: 1,
      subsetSize: m,
      realSamples: m,
      fakeSamples: m,
      dims: d,
    });
    expect(r.note).toBeUndefined();
  });

  it('KID x=[9,5] subsetSize=20 is capped at 9 with a note; 4 subsets of the whole set agree', () => {
    const r = kernelInceptionDistance(real, fake, {
      subsets: 4,
      subsetSize: 20,
      seed: 1,
      provenance: { split: 'train' },
    });
    expect(r.subsetSize).toBe(m);
    expect(r.note).toMatch(/capped at 9/);
    expect(r.value).toBeCloseTo(directMmd(x, y, m, d), 12);
    expect(r.std).toBeLessThan(1e-12);
    expect(r.provenance).toEqual({ split: 'train' });
  });

  it('KID x=[9,5] subsetSize=4 subsets=5 is seeded: same seed same value, other seed differs', () => {
    const a = kernelInceptionDistance(real, fake, { subsets: 5, subsetSize: 4, seed: 7 });
    const b = kernelInceptionDistance(real, fake, { subsets: 5, subsetSize: 4, seed: 7 });
    const c = kernelInceptionDistance(real, fake, { subsets: 5, subsetSize: 4, seed: 8 });
    expect(a.value).toBe(b.value);
    expect(c.value).not.toBe(a.value);
    expect(a.std).toBeGreaterThan(0);
  });

  it('KID rejects mismatched dims and subsets=0', () => {
    expect(() =>
      kernelInceptionDistance(real, { data: new Float64Array(8), samples: 2, dims: 4 }),
    ).toThrow(/same dims, got 5 and 4/);
    expect(() => kernelInceptionDistance(real, fake, { subsets: 0 })).toThrow(/subsets >= 1/);
  });
});
