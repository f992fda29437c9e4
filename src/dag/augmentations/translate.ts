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

/** The largest shift as a fraction of the side, DiffAugment's translation ratio. */
export const TRANSLATION_RATIO = 0.125;

/**
 * Per-sample integer shifts `[dx, dy]`: sample b's content moves `dx` columns right and `dy`
 * rows down (negative: left, up), `out[y][x] = in[y - dy][x - dx]`, zero where that falls
 * outside. |dx| < width and |dy| < height.
 */
export interface TranslateParams {
  readonly shifts: ReadonlyArray<readonly [number, number]>;
}

/** The largest shift along a side of `size` pixels: floor(size / 8 + 0.5) (32 -> 4, 28 -> 4). */
export function translationRange(size: number): number {
  return Math.floor(size * TRANSLATION_RATIO + 0.5);
}

/**
 * Draws one shift per sample, dx then dy, each uniform over the integers of
 * [-translationRange(side), translationRange(side)] of its own axis.
 */
export function drawTranslation(
  random: Random,
  batch: number,
  height: number,
  width: number,
): TranslateParams {
  const rangeX = translationRange(width);
  const rangeY = translationRange(height);
  const shifts: Array<[number, number]> = [];
  for (let b = 0; b < batch; b++) {
    const dx = random.int(2 * rangeX + 1) - rangeX;
    const dy = random.int(2 * rangeY + 1) - rangeY;
    shifts.push([dx, dy]);
  }
  return { shifts };
}

/**
 * DiffAugment's random translation of `[batch, height, width, channels]`: each sample shifted
 * by its own integers (see `TranslateParams`), the uncovered border filled with zeros. Takes a
 * generator to draw the shifts from, or pinned shifts.
 *
 * Each sample is cut out, sliced to the part that stays in view and padded back with zeros:
 * ops with gradients on every backend and O(1) work per pixel. (A gather would be one op, but
 * its gradient needs UnsortedSegmentSum, which the wasm backend lacks.)
 */
export function translate(x: Tensor4D, source: ParameterSource<TranslateParams>): Tensor4D {
  assertImageBatch('translate', x);
  const [batch, height, width] = x.shape;
  const { shifts } = resolveParameters(source, (random) =>
    drawTranslation(random, batch, height, width),
  );
  assertPerSample('translate', 'a shift [dx, dy]', shifts.length, batch);
  shifts.forEach((shift, b) => {
    const [dx, dy] = shift;
    assertFiniteValues('translate', 'shifts', shift);
    const inRange = Math.abs(dx) < width && Math.abs(dy) < height;
    if (!Number.isInteger(dx) || !Number.isInteger(dy) || !inRange) {
      throw new Error(
        `translate: expected integer shifts with |dx| < ${width} and |dy| < ${height}, got ` +
          `[${dx}, ${dy}] at sample ${b}`,
      );
    }
  });
  return tf.tidy(() => {
    const samples: Tensor4D[] = batch === 1 ? [x] : tf.split(x, batch, 0);
    const moved = samples.map((sample, b): Tensor4D => {
      const [dx, dy] = shifts[b] as readonly [number, number];
      if (dx === 0 && dy === 0) return sample;
      const kept = tf.slice(
        sample,
        [0, Math.max(-dy, 0), Math.max(-dx, 0), 0],
        [1, height - Math.abs(dy), width - Math.abs(dx), -1],
      );
      return tf.pad(kept, [
        [0, 0],
        [Math.max(dy, 0), Math.max(-dy, 0)],
        [Math.max(dx, 0), Math.max(-dx, 0)],
        [0, 0],
      ]);
    });
    return moved.length === 1 ? tf.clone(moved[0] as Tensor4D) : tf.concat(moved, 0);
  });
}
