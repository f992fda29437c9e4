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

/** Per-sample offsets added to every pixel and channel. */
export interface BrightnessParams {
  readonly offsets: ArrayLike<number>;
}

/** Draws one offset per sample, uniform in [-0.5, 0.5). */
export function drawBrightness(random: Random, batch: number): BrightnessParams {
  return { offsets: Array.from({ length: batch }, () => random.uniform() - 0.5) };
}

/**
 * DiffAugment's random brightness of `[batch, height, width, channels]`: x + offset, one
 * offset per sample. Meant for images in [-1, 1], where +-0.5 is a quarter of the range; the
 * result is not clipped (as in DiffAugment), which keeps the gradient 1 everywhere.
 */
export function brightness(x: Tensor4D, source: ParameterSource<BrightnessParams>): Tensor4D {
  assertImageBatch('brightness', x);
  const { offsets } = resolveParameters(source, (random) => drawBrightness(random, x.shape[0]));
  assertPerSample('brightness', 'an offset', offsets.length, x.shape[0]);
  assertFiniteValues('brightness', 'offsets', offsets);
  return tf.tidy(() => tf.add(x, perSampleTensor(offsets)));
}
