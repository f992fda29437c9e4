import { tf } from '../../tf.js';
import type { Tensor4D } from '../../tf.js';
import type { Random } from '../../random/random.js';
import { assertImageBatch, resolveParameters, type ParameterSource } from '../augment.js';
import { brightness, drawBrightness } from './brightness.js';
import { contrast, drawContrast } from './contrast.js';
import { drawSaturation, saturation } from './saturation.js';

/** The parameters of the three colour steps, each one number per sample. */
export interface ColorParams {
  readonly brightness: ArrayLike<number>;
  readonly saturation: ArrayLike<number>;
  readonly contrast: ArrayLike<number>;
}

/** Draws all brightness offsets, then all saturation factors, then all contrast factors. */
export function drawColor(random: Random, batch: number): ColorParams {
  return {
    brightness: drawBrightness(random, batch).offsets,
    saturation: drawSaturation(random, batch).factors,
    contrast: drawContrast(random, batch).factors,
  };
}

/**
 * DiffAugment's `color` of `[batch, height, width, channels]`: brightness, then saturation,
 * then contrast, in that order, each with its own per-sample draw (see those functions for the
 * formulas and the [-1, 1] range they assume).
 */
export function color(x: Tensor4D, source: ParameterSource<ColorParams>): Tensor4D {
  assertImageBatch('color', x);
  const params = resolveParameters(source, (random) => drawColor(random, x.shape[0]));
  return tf.tidy(() => {
    const brighter = brightness(x, { offsets: params.brightness });
    const saturated = saturation(brighter, { factors: params.saturation });
    return contrast(saturated, { factors: params.contrast });
  });
}
