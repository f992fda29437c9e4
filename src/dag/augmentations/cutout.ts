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

/** The side of the cut-out rectangle as a fraction of the image side, as in DiffAugment. */
export const CUTOUT_RATIO = 0.5;

/**
 * Per-sample centres `[cx, cy]` (column, row) of the cut-out rectangle. The rectangle covers
 * columns `[cx - floor(w / 2), cx - floor(w / 2) + w)` and the like rows, for the sides
 * `cutoutSize`, clipped to the image; it may lie partly or wholly outside.
 */
export interface CutoutParams {
  readonly centers: ReadonlyArray<readonly [number, number]>;
}

/** The side of the cut-out along a side of `size` pixels: floor(size / 2 + 0.5) (32 -> 16). */
export function cutoutSize(size: number): number {
  return Math.floor(size * CUTOUT_RATIO + 0.5);
}

/**
 * Draws one centre per sample, cx then cy, as DiffAugment does: uniform over the integers
 * [0, size] for an even cut-out side, [0, size - 1] for an odd one. Either way the rectangle
 * overhangs the first and the last pixel equally often, so no border is favoured.
 */
export function drawCutout(
  random: Random,
  batch: number,
  height: number,
  width: number,
): CutoutParams {
  const choicesX = width + 1 - (cutoutSize(width) % 2);
  const choicesY = height + 1 - (cutoutSize(height) % 2);
  const centers: Array<[number, number]> = [];
  for (let b = 0; b < batch; b++) {
    const cx = random.int(choicesX);
    const cy = random.int(choicesY);
    centers.push([cx, cy]);
  }
  return { centers };
}

/**
 * DiffAugment's cutout of `[batch, height, width, channels]`: per sample one rectangle of
 * cutoutSize(height) x cutoutSize(width) pixels (a square on square images) set to 0 in every
 * channel, at centres drawn from a generator or pinned (see `CutoutParams`). A multiplication
 * by a 0/1 mask made in JavaScript, so the gradient is the same mask.
 */
export function cutout(x: Tensor4D, source: ParameterSource<CutoutParams>): Tensor4D {
  assertImageBatch('cutout', x);
  const [batch, height, width] = x.shape;
  const { centers } = resolveParameters(source, (random) =>
    drawCutout(random, batch, height, width),
  );
  assertPerSample('cutout', 'a centre [cx, cy]', centers.length, batch);
  const sideX = cutoutSize(width);
  const sideY = cutoutSize(height);
  const mask = new Float32Array(batch * height * width).fill(1);
  centers.forEach((center, b) => {
    assertFiniteValues('cutout', 'centres', center);
    const [cx, cy] = center;
    if (!Number.isInteger(cx) || !Number.isInteger(cy)) {
      throw new Error(`cutout: expected integer centres, got [${cx}, ${cy}] at sample ${b}`);
    }
    const left = Math.max(cx - Math.floor(sideX / 2), 0);
    const right = Math.min(cx - Math.floor(sideX / 2) + sideX, width);
    const top = Math.max(cy - Math.floor(sideY / 2), 0);
    const bottom = Math.min(cy - Math.floor(sideY / 2) + sideY, height);
    if (right <= left) return;
    for (let row = top; row < bottom; row++) {
      const start = (b * height + row) * width;
      mask.fill(0, start + left, start + right);
    }
  });
  return tf.tidy(() => tf.mul(x, tf.tensor4d(mask, [batch, height, width, 1])));
}
