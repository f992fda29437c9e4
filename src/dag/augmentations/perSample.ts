import { tf } from '../../tf.js';
import type { Tensor4D } from '../../tf.js';

/** One number per sample as `[batch, 1, 1, 1]`, to broadcast over a sample's pixels. */
export function perSampleTensor(values: ArrayLike<number>): Tensor4D {
  return tf.tensor4d(Float32Array.from(values), [values.length, 1, 1, 1]);
}
