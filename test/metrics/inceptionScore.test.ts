import { describe, expect, it } from 'vitest';
import { inceptionScore } from '../../src/metrics/inceptionScore.js';

describe('inceptionScore', () => {
  it('inceptionScore uniform probabilities [20,5] splits=4 = 1', () => {
    const p = new Float64Array(100).fill(0.2);
    const r = inceptionScore(p, 20, 5, { splits: 4 });
    expect(r.value).toBeCloseTo(1, 12);
    expect(r.std).toBeCloseTo(0, 12);
    expect(r).toMatchObject({ metric: 'is', splits: 4, samples: 20, classes: 5 });
  });

  it('inceptionScore one-hot spread evenly [24,4] splits=1 and splits=3 = 4', () => {
    // Row i is class i mod 4: every split of 8 consecutive rows holds each class twice.
    const p = new Float32Array(96);
    for (let i = 0; i < 24; i++) p[i * 4 + (i % 4)] = 1;
    expect(inceptionScore(p, 24, 4, { splits: 1 }).value).toBeCloseTo(4, 12);
    const three = inceptionScore(p, 24, 4, { splits: 3 });
    expect(three.value).toBeCloseTo(4, 12);
    expect(three.std).toBeCloseTo(0, 12);
  });

  it('inceptionScore rejects negative entries and rows not summing to 1', () => {
    expect(() => inceptionScore(Float64Array.from([1.5, -0.5]), 1, 2, { splits: 1 })).toThrow(
      /inceptionScore: expected probabilities .* got -0.5 at row 0, class 1/,
    );
    expect(() =>
      inceptionScore(Float64Array.from([0.5, 0.5, 0.4, 0.4]), 2, 2, { splits: 1 }),
    ).toThrow(/sum to 1 within 0.001, got 0.8.* at row 1/);
    expect(() => inceptionScore(new Float64Array(4).fill(0.5), 2, 2, { splits: 3 })).toThrow(
      /splits <= samples/,
    );
  });
});
