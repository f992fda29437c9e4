import { tf } from '../../tf.js';
import type { Tensor4D } from '../../tf.js';
import { assertImageBatch } from '../augment.js';

/**
 * Rotates `[batch, height, width, channels]` counter-clockwise by `k` quarter turns on the
 * (height, width) axes, as numpy's and torch's `rot90` do: one quarter turn is a transpose of
 * height and width followed by a flip of the height axis. Any integer `k` is taken modulo 4
 * (negative turns clockwise). Odd `k` turns a height x width image into width x height.
 */
export function rotate90(x: Tensor4D, k: number): Tensor4D {
  assertImageBatch('rotate90', x);
  if (!Number.isInteger(k)) throw new Error(`rotate90: expected an integer k, got ${k}`);
  const turns = ((k % 4) + 4) % 4;
  return tf.tidy(() => {
    switch (turns) {
      case 0:
        return tf.clone(x);
      case 1:
        return tf.reverse(tf.transpose(x, [0, 2, 1, 3]), 1);
      case 2:
        return tf.reverse(x, [1, 2]);
      default:
        // Three counter-clockwise turns are one clockwise: transpose, then flip the width.
        return tf.reverse(tf.transpose(x, [0, 2, 1, 3]), 2);
    }
  });
}
