import { beforeAll, describe, expect, it } from 'vitest';
import { tf } from '../../src/tf.js';
import type { Tensor, Tensor4D } from '../../src/tf.js';
import { Random } from '../../src/random/random.js';
import { identity } from '../../src/dag/augmentations/identity.js';
import { rotate90 } from '../../src/dag/augmentations/rotate90.js';
import { flipLeftRight, flipUpDown } from '../../src/dag/augmentations/flip.js';
import { CROP_CORNERS, cornerCrop } from '../../src/dag/augmentations/crop.js';
import { translate } from '../../src/dag/augmentations/translate.js';
import { cutout } from '../../src/dag/augmentations/cutout.js';
import { brightness } from '../../src/dag/augmentations/brightness.js';
import { saturation } from '../../src/dag/augmentations/saturation.js';
import { contrast } from '../../src/dag/augmentations/contrast.js';
import { color } from '../../src/dag/augmentations/color.js';
import { expectGradientMatchesFiniteDifferences } from './finiteDifferences.js';
import { expectNoLeaks, useBackend } from '../helpers.js';

beforeAll(async () => {
  await useBackend('cpu');
});

/** A seeded non-square input `[2, 4, 5, 2]` in [-1, 1]. */
function input(seed: number): Tensor4D {
  const random = new Random(seed);
  return tf.tensor4d(
    Array.from({ length: 80 }, () => 2 * random.uniform() - 1),
    [2, 4, 5, 2],
  );
}

const cases: Array<[string, (x: Tensor4D) => Tensor]> = [
  ['identity', identity],
  ['rotate90 k=1', (x) => rotate90(x, 1)],
  ['rotate90 k=2', (x) => rotate90(x, 2)],
  ['rotate90 k=3', (x) => rotate90(x, 3)],
  ['flipUpDown', flipUpDown],
  ['flipLeftRight', flipLeftRight],
  ...CROP_CORNERS.flatMap((corner): Array<[string, (x: Tensor4D) => Tensor]> => [
    [`cornerCrop ${corner} nearest`, (x) => cornerCrop(x, corner, 'nearest')],
    [`cornerCrop ${corner} bilinear`, (x) => cornerCrop(x, corner, 'bilinear')],
  ]),
  [
    'translate shifts [[2,-1],[-1,1]]',
    (x) =>
      translate(x, {
        shifts: [
          [2, -1],
          [-1, 1],
        ],
      }),
  ],
  [
    'cutout centres [[1,3],[5,0]]',
    (x) =>
      cutout(x, {
        centers: [
          [1, 3],
          [5, 0],
        ],
      }),
  ],
  ['brightness offsets [0.3,-0.4]', (x) => brightness(x, { offsets: [0.3, -0.4] })],
  ['saturation factors [0.2,1.8]', (x) => saturation(x, { factors: [0.2, 1.8] })],
  ['contrast factors [0.6,1.4]', (x) => contrast(x, { factors: [0.6, 1.4] })],
  [
    'color pinned',
    (x) => color(x, { brightness: [0.1, -0.3], saturation: [1.5, 0.5], contrast: [0.8, 1.2] }),
  ],
];

describe('augmentation gradients against central differences, x=[2,4,5,2], cpu', () => {
  cases.forEach(([name, f], i) => {
    it(`${name} gradient`, async () => {
      await expectNoLeaks(() => {
        const x = input(100 + i);
        expectGradientMatchesFiniteDifferences(f, x, { seed: 200 + i });
        x.dispose();
      });
    });
  });

  it('the check fails on a deliberately wrong gradient', async () => {
    await expectNoLeaks(() => {
      const x = input(7);
      // Forward: 2x; backward claims 3 dy.
      const wrong = tf.customGrad((a) => {
        const value = tf.mul(a as Tensor, 2);
        return { value, gradFunc: (dy: Tensor) => tf.mul(dy, 3) };
      });
      expect(() =>
        expectGradientMatchesFiniteDifferences((t) => wrong(t) as Tensor, x, { seed: 3 }),
      ).toThrow(/values differ/);
      x.dispose();
    });
  });
});
