import { tf } from '../../src/tf.js';
import type { Tensor, Tensor4D } from '../../src/tf.js';
import { Random } from '../../src/random/random.js';
import { expectClose } from '../helpers.js';

export interface GradientCheckOptions {
  /** Seed of the random weights w. */
  seed?: number;
  /** Central-difference step; the augmentations are piecewise linear, so it can be large. */
  step?: number;
  rtol?: number;
  atol?: number;
}

/**
 * Checks tfjs's gradient of L(x) = sum(w * f(x)), for weights w drawn once, against central
 * differences (L(x + h e_i) - L(x - h e_i)) / 2h at every element of `x`. f's outputs are
 * float32 but L is summed in double precision here, so the differences only carry f's own
 * rounding (about 1e-7 of each output, over 2h). `f` must be deterministic (pin random ones).
 */
export function expectGradientMatchesFiniteDifferences(
  f: (x: Tensor4D) => Tensor,
  x: Tensor4D,
  { seed = 1, step = 1e-2, rtol = 1e-3, atol = 1e-3 }: GradientCheckOptions = {},
): void {
  const base = x.dataSync();
  const outputSize = tf.tidy(() => f(x).size);
  const w = new Random(seed).normalArray(outputSize);

  const loss = (values: Float32Array): number => {
    const y = tf.tidy(() => f(tf.tensor4d(values, x.shape)).dataSync());
    let sum = 0;
    for (let i = 0; i < y.length; i++) sum += (w[i] as number) * (y[i] as number);
    return sum;
  };
  const numeric = new Float64Array(base.length);
  const probe = Float32Array.from(base);
  for (let i = 0; i < base.length; i++) {
    const original = base[i] as number;
    probe[i] = original + step;
    const plus = loss(probe);
    probe[i] = original - step;
    const minus = loss(probe);
    probe[i] = original;
    // The probe was stored in float32: divide by the step that was actually taken.
    const taken = Math.fround(original + step) - Math.fround(original - step);
    numeric[i] = (plus - minus) / taken;
  }

  const analytic = tf.tidy(() => {
    const weights = tf.tensor(w, f(x).shape);
    const gradient = tf.grad((input: Tensor) => tf.sum(tf.mul(weights, f(input as Tensor4D))));
    return gradient(x).dataSync();
  });
  expectClose(analytic, numeric, { rtol, atol });
}
