import { tf } from '../../tf.js';
import type { Tensor4D } from '../../tf.js';
import { assertImageBatch } from '../augment.js';

/**
 * The identity view of `[batch, height, width, channels]`. Returns a clone (a new handle on the
 * same data, no copy) rather than `x` itself, so a caller can dispose every view of a policy
 * alike without disposing its input.
 */
export function identity(x: Tensor4D): Tensor4D {
  assertImageBatch('identity', x);
  return tf.clone(x);
}
