import { tf } from '../../tf.js';
import type { Tensor4D } from '../../tf.js';
import { assertImageBatch } from '../augment.js';

/** Flips `[batch, height, width, channels]` upside down (reverses the height axis). */
export function flipUpDown(x: Tensor4D): Tensor4D {
  assertImageBatch('flipUpDown', x);
  return tf.reverse(x, 1);
}

/** Mirrors `[batch, height, width, channels]` left to right (reverses the width axis). */
export function flipLeftRight(x: Tensor4D): Tensor4D {
  assertImageBatch('flipLeftRight', x);
  return tf.reverse(x, 2);
}
