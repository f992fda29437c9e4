import { beforeAll, describe, expect, it } from 'vitest';
import { tf } from '../../src/tf.js';
import type { Tensor4D } from '../../src/tf.js';
import { identity } from '../../src/dag/augmentations/identity.js';
import { rotate90 } from '../../src/dag/augmentations/rotate90.js';
import { flipLeftRight, flipUpDown } from '../../src/dag/augmentations/flip.js';
import { expectNoLeaks, useBackend } from '../helpers.js';

beforeAll(async () => {
  await useBackend('cpu');
});

/** A one-sample batch from rows of pixels, each pixel a list of channel values. */
function image(rows: number[][][]): Tensor4D {
  return tf.tensor4d([rows]);
}

/** The one-channel 2x3 image [[1, 2, 3], [4, 5, 6]]. */
const oneChannel = [
  [[1], [2], [3]],
  [[4], [5], [6]],
];
/** The same with a second channel of ten times the first. */
const twoChannels = [
  [
    [1, 10],
    [2, 20],
    [3, 30],
  ],
  [
    [4, 40],
    [5, 50],
    [6, 60],
  ],
];

describe('rotate90', () => {
  // numpy.rot90([[1, 2, 3], [4, 5, 6]], k), written out by hand.
  const rotated: Record<number, number[][]> = {
    0: [
      [1, 2, 3],
      [4, 5, 6],
    ],
    1: [
      [3, 6],
      [2, 5],
      [1, 4],
    ],
    2: [
      [6, 5, 4],
      [3, 2, 1],
    ],
    3: [
      [4, 1],
      [5, 2],
      [6, 3],
    ],
  };

  for (const k of [0, 1, 2, 3]) {
    it(`rotate90 x=[1,2,3,1] k=${k} by hand`, async () => {
      await expectNoLeaks(() => {
        const x = image(oneChannel);
        const y = rotate90(x, k);
        const expected = (rotated[k] as number[][]).map((row) => row.map((v) => [v]));
        expect(y.arraySync()).toEqual([expected]);
        tf.dispose([x, y]);
      });
    });

    it(`rotate90 x=[1,2,3,2] k=${k} moves both channels together`, async () => {
      await expectNoLeaks(() => {
        const x = image(twoChannels);
        const y = rotate90(x, k);
        const expected = (rotated[k] as number[][]).map((row) => row.map((v) => [v, 10 * v]));
        expect(y.arraySync()).toEqual([expected]);
        tf.dispose([x, y]);
      });
    });
  }

  it('rotate90 x=[1,2,3,1] k=-1 equals k=3 and k=5 equals k=1', async () => {
    await expectNoLeaks(() => {
      const x = image(oneChannel);
      const [minusOne, three, five, one] = [-1, 3, 5, 1].map((k) => rotate90(x, k));
      expect(minusOne?.arraySync()).toEqual(three?.arraySync());
      expect(five?.arraySync()).toEqual(one?.arraySync());
      tf.dispose([x, minusOne, three, five, one] as Tensor4D[]);
    });
  });

  it('rotate90 x=[3,4,5,2] k=1 applied four times is the identity', async () => {
    await expectNoLeaks(() => {
      const x = tf.tidy(() => tf.reshape(tf.range(0, 120, 1, 'float32'), [3, 4, 5, 2])) as Tensor4D;
      const once = rotate90(x, 1);
      expect(once.shape).toEqual([3, 5, 4, 2]);
      const twice = rotate90(once, 1);
      const thrice = rotate90(twice, 1);
      const fourTimes = rotate90(thrice, 1);
      expect(fourTimes.arraySync()).toEqual(x.arraySync());
      tf.dispose([x, once, twice, thrice, fourTimes]);
    });
  });

  it('rotate90 x=[1,2,3,1] k=0 returns a new handle the caller may dispose', async () => {
    await expectNoLeaks(() => {
      const x = image(oneChannel);
      const y = rotate90(x, 0);
      expect(y).not.toBe(x);
      y.dispose();
      expect(x.isDisposed).toBe(false);
      x.dispose();
    });
  });

  it('rotate90 rejects a rank-3 tensor, an int32 tensor and a fractional k', async () => {
    await expectNoLeaks(() => {
      const rank3 = tf.zeros([2, 3, 1]);
      const ints = tf.zeros([1, 2, 3, 1], 'int32');
      const x = image(oneChannel);
      expect(() => rotate90(rank3 as unknown as Tensor4D, 1)).toThrow(
        'rotate90: expected a rank-4 [batch, height, width, channels] tensor, got rank 3',
      );
      expect(() => rotate90(ints as Tensor4D, 1)).toThrow(/rotate90: expected a float32/);
      expect(() => rotate90(x, 1.5)).toThrow(/rotate90: expected an integer k, got 1.5/);
      tf.dispose([rank3, ints, x]);
    });
  });
});

describe('flips', () => {
  it('flipUpDown x=[1,2,3,2] by hand', async () => {
    await expectNoLeaks(() => {
      const x = image(twoChannels);
      const y = flipUpDown(x);
      expect(y.arraySync()).toEqual([
        [
          [
            [4, 40],
            [5, 50],
            [6, 60],
          ],
          [
            [1, 10],
            [2, 20],
            [3, 30],
          ],
        ],
      ]);
      tf.dispose([x, y]);
    });
  });

  it('flipLeftRight x=[1,2,3,2] by hand', async () => {
    await expectNoLeaks(() => {
      const x = image(twoChannels);
      const y = flipLeftRight(x);
      expect(y.arraySync()).toEqual([
        [
          [
            [3, 30],
            [2, 20],
            [1, 10],
          ],
          [
            [6, 60],
            [5, 50],
            [4, 40],
          ],
        ],
      ]);
      tf.dispose([x, y]);
    });
  });

  it('flipUpDown x=[2,2,3,1] flips each sample on its own', async () => {
    await expectNoLeaks(() => {
      const x = tf.tensor4d([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12], [2, 2, 3, 1]);
      const y = flipUpDown(x);
      expect(Array.from(y.dataSync())).toEqual([4, 5, 6, 1, 2, 3, 10, 11, 12, 7, 8, 9]);
      tf.dispose([x, y]);
    });
  });
});

describe('identity', () => {
  it('identity x=[1,2,3,2] keeps the values in a new handle', async () => {
    await expectNoLeaks(() => {
      const x = image(twoChannels);
      const y = identity(x);
      expect(y).not.toBe(x);
      expect(y.arraySync()).toEqual([twoChannels]);
      tf.dispose([x, y]);
    });
  });

  it('identity rejects an empty batch', async () => {
    await expectNoLeaks(() => {
      const x = tf.zeros([0, 2, 2, 1]) as Tensor4D;
      expect(() => identity(x)).toThrow(/identity: expected non-empty/);
      x.dispose();
    });
  });
});
