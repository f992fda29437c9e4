import type { Tensor, Tensor4D } from '../tf.js';
import { Random } from '../random/random.js';

/**
 * What the DAG augmentations have in common: they map a `[batch, height, width, channels]`
 * float32 batch to another one, built from differentiable tfjs ops only, so D's loss on a view
 * can be backpropagated to G's output through the augmentation.
 */

/** One view of a policy: a named augmentation the DAG scores with a head of its own. */
export interface View {
  /** Name for logs, unique within its policy (`rotate90`, `crop-top-left`, `cutout`...). */
  readonly name: string;
  /** True for the view that returns its input unchanged. */
  readonly isIdentity: boolean;
  /** True when the view draws parameters from a `Random` on every call. */
  readonly isRandom: boolean;
  /** True when the view turns a height x width image into width x height (a quarter turn). */
  readonly swapsAxes: boolean;
  /**
   * Applies the view to `[batch, height, width, channels]`; a random view draws from `random`
   * (required for it, ignored by the others). Returns a new tensor the caller owns, even for
   * the identity.
   */
  augment(images: Tensor4D, random?: Random): Tensor4D;
}

/**
 * Checks the input of augmentation `op` at the boundary: a rank-4 float32
 * `[batch, height, width, channels]` tensor with no empty axis.
 */
export function assertImageBatch(op: string, x: Tensor): asserts x is Tensor4D {
  if (x.rank !== 4) {
    throw new Error(
      `${op}: expected a rank-4 [batch, height, width, channels] tensor, got rank ${x.rank}`,
    );
  }
  if (x.dtype !== 'float32') {
    throw new Error(`${op}: expected a float32 tensor, got ${x.dtype}`);
  }
  if (x.shape.some((size) => size === 0)) {
    throw new Error(
      `${op}: expected non-empty [batch, height, width, channels], got [${x.shape.join(', ')}]`,
    );
  }
}

/**
 * A random augmentation takes either a generator to draw its parameters from, or the
 * parameters themselves (pinned, e.g. by a test or to replay a logged draw).
 */
export type ParameterSource<P> = Random | P;

/** Draws from `source` with `draw` when it is a generator, else returns the pinned parameters. */
export function resolveParameters<P>(source: ParameterSource<P>, draw: (random: Random) => P): P {
  return source instanceof Random ? draw(source) : source;
}

/** Checks that a pinned per-sample list has one entry per sample of the batch. */
export function assertPerSample(op: string, what: string, length: number, batch: number): void {
  if (length !== batch) {
    throw new Error(`${op}: expected ${what} for each of the ${batch} samples, got ${length}`);
  }
}

/** Checks that pinned numbers are finite (a NaN would silently poison the whole batch). */
export function assertFiniteValues(op: string, what: string, values: ArrayLike<number>): void {
  for (let i = 0; i < values.length; i++) {
    const value = values[i];
    if (typeof value !== 'number' || !Number.isFinite(value)) {
      throw new Error(`${op}: expected finite ${what}, got ${String(value)} at sample ${i}`);
    }
  }
}
