import { describe, expect, it } from 'vitest';
import { UserError } from '../../src/errors.js';
import { classCounts, type ImageDataset } from '../../src/data/imageDataset.js';
import { loadDataset } from '../../src/data/loadDataset.js';
import { takeFraction, takePerClass } from '../../src/data/takeFraction.js';
import { Random } from '../../src/random/random.js';

/**
 * Images of 1x2x1 whose two pixels spell the original index (index = 256 * p0 + p1), labels
 * in blocks: `perClass[c]` images of class c, interleaved so classes are not contiguous.
 */
function taggedDataset(perClass: number[]): ImageDataset {
  const labels: number[] = [];
  const left = perClass.slice();
  while (left.some((n) => n > 0)) {
    left.forEach((n, c) => {
      if (n > 0) {
        labels.push(c);
        left[c] = n - 1;
      }
    });
  }
  const images = new Uint8Array(labels.length * 2);
  labels.forEach((_, i) => {
    images[2 * i] = i >> 8;
    images[2 * i + 1] = i & 0xff;
  });
  return {
    images,
    labels: Uint8Array.from(labels),
    count: labels.length,
    height: 1,
    width: 2,
    channels: 1,
    classCount: perClass.length,
    source: 'tagged',
  };
}

function originalIndices(subset: ImageDataset): number[] {
  return Array.from({ length: subset.count }, (_, i) => {
    return 256 * (subset.images[2 * i] as number) + (subset.images[2 * i + 1] as number);
  });
}

describe('takeFraction', () => {
  const dataset = taggedDataset([10, 20, 30]);

  it('fraction=0.5 classes=[10,20,30] keeps [5,10,15], real images with their labels', () => {
    const subset = takeFraction(dataset, 0.5, new Random(1));
    expect(subset.count).toBe(30);
    expect(classCounts(subset)).toEqual([5, 10, 15]);
    const indices = originalIndices(subset);
    expect(new Set(indices).size).toBe(30);
    expect(indices).toEqual(indices.slice().sort((a, b) => a - b));
    indices.forEach((original, i) => expect(subset.labels[i]).toBe(dataset.labels[original]));
    expect(subset.source).toBe('tagged, 50% of each class');
  });

  it('is seeded: same seed same subset, another seed another', () => {
    const a = originalIndices(takeFraction(dataset, 0.3, new Random(7)));
    const b = originalIndices(takeFraction(dataset, 0.3, new Random(7)));
    const c = originalIndices(takeFraction(dataset, 0.3, new Random(8)));
    expect(b).toEqual(a);
    expect(c).not.toEqual(a);
  });

  it('fraction=0.01 keeps at least one image of every class', () => {
    expect(classCounts(takeFraction(dataset, 0.01, new Random(2)))).toEqual([1, 1, 1]);
  });

  it('fraction=1 returns the dataset itself', () => {
    expect(takeFraction(dataset, 1, new Random(3))).toBe(dataset);
  });

  it('rejects fractions outside (0, 1]', () => {
    for (const bad of [0, -0.1, 1.5, Number.NaN]) {
      expect(() => takeFraction(dataset, bad, new Random(0))).toThrow(UserError);
      expect(() => takeFraction(dataset, bad, new Random(0))).toThrow(
        `takeFraction: --data-fraction must be in (0, 1] (0.1 keeps 10% of each class), got ${bad}`,
      );
    }
  });

  it('embedded train fraction=0.1 keeps 60 per class', () => {
    const subset = takeFraction(loadDataset({ split: 'train' }), 0.1, new Random(4));
    expect(classCounts(subset)).toEqual(new Array(10).fill(60));
    expect(subset.images.length).toBe(600 * 784);
  });
});

describe('takePerClass', () => {
  const dataset = taggedDataset([4, 6, 8]);

  it('perClass=3 classes=[4,6,8] keeps 3 of each', () => {
    expect(classCounts(takePerClass(dataset, 3, new Random(5)))).toEqual([3, 3, 3]);
  });

  it('perClass=5 fails on class 0 which has 4', () => {
    expect(() => takePerClass(dataset, 5, new Random(5))).toThrow(
      'takePerClass: tagged has only 4 images of class 0, 5 were asked for',
    );
  });
});
