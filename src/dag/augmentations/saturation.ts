import { tf } from '../../tf.js';
import type { Tensor4D } from '../../tf.js';
import type { Random } from '../../random/random.js';
import {
  assertFiniteValues,
  assertImageBatch,
  assertPerSample,
  resolveParameters,
  type ParameterSource,
} from '../augment.js';
import { perSampleTensor } from './perSample.js';

/** Per-sample factors scaling each pixel's deviation from its grey value. */
export interface SaturationParams {
  readonly factors: ArrayLike<number>;
}

/** Draws one factor per sample, uniform in [0, 2). */
export function drawSaturation(random: Random, batch: number): SaturationParams {
  return { factors: Array.from({ length: batch }, () => 2 * random.uniform()) };
}

/**
 * DiffAugment's random saturation of `[batch, height, width, channels]`:
 * (x - m) * factor + m, where m is each pixel's mean over its channels (its grey value) and
 * the factor is per sample: 0 gives grey, 1 the input, 2 doubles the colourfulness. The blend
 * is about the image's own grey, so it reads the same for [-1, 1] and [0, 1] images; it is not
 * clipped, so strongly coloured pixels may leave the range. A no-op on one channel.
 */
export function saturation(x: Tensor4D, source: ParameterSource<SaturationParams>): Tensor4D {
  assertImageBatch('saturation', x);
  const { factors } = resolveParameters(source, (random) => drawSaturation(random, x.shape[0]));
  assertPerSample('saturation', 'a factor', factors.length, x.shape[0]);
  assertFiniteValues('saturation', 'factors', factors);
  return tf.tidy(() => {
    const grey = tf.mean(x, 3, true);
    return tf.add(tf.mul(tf.sub(x, grey), perSampleTensor(factors)), grey);
  });
}
