import { describe, expect, it } from 'vitest';
import { precisionRecall } from '../../src/metrics/precisionRecall.js';
import { gaussian } from './referenceLinalg.js';

const points = (xs: number[][]) => ({
  data: Float64Array.from(xs.flat()),
  samples: xs.length,
  dims: xs[0]!.length,
});

/** Brute force over the definition, with direct distances. */
function reference(
  real: number[][],
  fake: number[][],
  k: number,
): { precision: number; recall: number } {
  const dist = (a: number[], b: number[]) => Math.hypot(...a.map((v, i) => v - b[i]!));
  const radii = (set: number[][]) =>
    set.map(
      (p, i) =>
        set
          .filter((_, j) => j !== i)
          .map((q) => dist(p, q))
          .sort((a, b) => a - b)[k - 1]!,
    );
  const inside = (qs: number[][], ref: number[][], r: number[]) =>
    qs.filter((q) => ref.some((p, j) => dist(q, p) <= r[j]!)).length / qs.length;
  return { precision: inside(fake, real, radii(real)), recall: inside(real, fake, radii(fake)) };
}

describe('precisionRecall', () => {
  it('precisionRecall hand-made line k=1: precision 0.5, recall 1', () => {
    // Real: 0..4 on a line, each with radius 1. Fakes at (0.5, 0) and (2, 0.9) are inside;
    // (10, 0) and (2, 1.5) are not. The far fake's radius (about 8.05) covers reals 2..4,
    // and (0.5, 0) with radius about 1.75 covers reals 0 and 1.
    const real = points([
      [0, 0],
      [1, 0],
      [2, 0],
      [3, 0],
      [4, 0],
    ]);
    const fake = points([
      [0.5, 0],
      [10, 0],
      [2, 0.9],
      [2, 1.5],
    ]);
    const r = precisionRecall(real, fake, { k: 1, provenance: { extractor: 'none' } });
    expect(r.precision).toBe(0.5);
    expect(r.recall).toBe(1);
    expect(r).toMatchObject({
      metric: 'precision-recall',
      k: 1,
      realSamples: 5,
      fakeSamples: 4,
      dims: 2,
    });
  });

  it('precisionRecall hand-made clusters k=2: disjoint sets give 0 and 0', () => {
    const real = points([
      [0, 0],
      [0, 1],
      [1, 0],
    ]);
    const fake = points([
      [50, 50],
      [50, 51],
      [51, 50],
    ]);
    const r = precisionRecall(real, fake, { k: 2 });
    expect(r.precision).toBe(0);
    expect(r.recall).toBe(0);
  });

  it('precisionRecall random real=[300,3] fake=[280,3] k=3 matches brute force (several blocks)', () => {
    const toRows = (flat: Float64Array, n: number) =>
      Array.from({ length: n }, (_, i) => Array.from(flat.subarray(i * 3, i * 3 + 3)));
    const real = toRows(gaussian(1, 900), 300);
    const fake = toRows(
      gaussian(2, 840).map((v) => 1.3 * v + 0.4),
      280,
    );
    const r = precisionRecall(points(real), points(fake), { k: 3 });
    const e = reference(real, fake, 3);
    expect(r.precision).toBeCloseTo(e.precision, 12);
    expect(r.recall).toBeCloseTo(e.recall, 12);
    expect(r.precision).toBeGreaterThan(0);
    expect(r.precision).toBeLessThan(1);
  });

  it('precisionRecall needs more than k samples per set', () => {
    expect(() =>
      precisionRecall(points([[0], [1], [2]]), points([[0], [1], [2]]), { k: 3 }),
    ).toThrow(/more than k = 3 samples/);
  });
});
