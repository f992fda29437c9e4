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

/** Per-sample factors scaling each sample's deviation from its mean. */
export interface ContrastParams {
  readonly factors: ArrayLike<number>;
}

/** Draws one factor per sample, uniform in [0.5, 1.5). */
export function drawContrast(random: Random, batch: number): ContrastParams {
  return { factors: Array.from({ length: batch }, () => random.uniform() + 0.5) };
}

/**
 * DiffAugment's random contrast of `[batch, height, width, channels]`:
 * (x - m) * factor + m, where m is the sample's mean over all its pixels and channels and the
 * factor is per sample. Centred on the image's own mean, so it reads the same for [-1, 1] and
 * [0, 1] images; not clipped (a factor above 1 may push pixels out of range).
 */
export function contrast(x: Tensor4D, source: ParameterSource<ContrastParams>): Tensor4D {
  assertImageBatch('contrast', x);
  const { factors } = resolveParameters(source, (random) => drawContrast(random, x.shape[0]));
  assertPerSample('contrast', 'a factor', factors.length, x.shape[0]);
  assertFiniteValues('contrast', 'factors', factors);
  return tf.tidy(() => {
    const mean = tf.mean(x, [1, 2, 3], true);
    return tf.add(tf.mul(tf.sub(x, mean), perSampleTensor(factors)), mean);
  });
}
