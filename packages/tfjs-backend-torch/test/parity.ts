import { afterAll, beforeAll, expect } from 'vitest';
import { tf } from '../../../src/tf.js';
import { Random } from '../../../src/random/random.js';
import { expectClose, useBackend } from '../../../test/helpers.js';
import { isTorchAvailable, numNativeTensors, torchUnavailableReason } from '../src/index.js';

/**
 * The parity suite needs the addon. A missing addon fails the suite, because CI builds it and a
 * silent skip would hide a broken build; DAG_GAN_REQUIRE_TORCH=0 turns the failure into a skip.
 */
export const torchSkipped = !isTorchAvailable() && process.env.DAG_GAN_REQUIRE_TORCH === '0';

export function requireTorch(): void {
  beforeAll(async () => {
    if (!isTorchAvailable()) {
      throw new Error(
        `torch backend unavailable: ${torchUnavailableReason()}. Build it with ` +
          '`node scripts/build-native.mjs`, or set DAG_GAN_REQUIRE_TORCH=0 to skip these tests.',
      );
    }
    await useBackend('cpu');
    await useBackend('torch');
  });
  afterAll(async () => {
    await tf.setBackend('cpu');
  });
}

/** Seeded input values; each test builds its tensors from these on both backends. */
export function uniform(seed: number, n: number, lo = -1, hi = 1): Float32Array {
  const r = new Random(seed);
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = lo + (hi - lo) * r.uniform();
  return out;
}

export function ints(seed: number, n: number, lo: number, hi: number): Int32Array {
  const r = new Random(seed);
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) out[i] = lo + r.int(hi - lo + 1);
  return out;
}

let seedCounter = 1;

/** A float32 tensor of uniform values in [lo, hi), fixed by the order of calls in a test. */
export type Maker = (shape: number[], lo?: number, hi?: number) => tf.Tensor;

export interface Tolerance {
  rtol?: number;
  atol?: number;
}

interface Result {
  shape: number[];
  dtype: string;
  values: ArrayLike<number>;
}

async function runOn(
  backend: string,
  seed: number,
  fn: (make: Maker) => tf.Tensor | tf.Tensor[],
): Promise<Result[]> {
  await tf.setBackend(backend);
  let k = 0;
  const make: Maker = (shape, lo = -1, hi = 1) => {
    const n = shape.reduce((a, b) => a * b, 1);
    return tf.tensor(uniform(seed * 1000 + k++, n, lo, hi), shape, 'float32');
  };
  const before = tf.memory().numTensors;
  const out = tf.tidy(() => fn(make));
  const list = Array.isArray(out) ? out : [out];
  const results = list.map((t) => ({ shape: t.shape, dtype: t.dtype, values: t.dataSync() }));
  tf.dispose(list);
  expect(tf.memory().numTensors, `${backend}: tensors leaked`).toBe(before);
  return results;
}

/**
 * Runs `fn` on the cpu backend and on torch with the same seeded inputs and asserts equal
 * shapes, dtypes and values (float32 within tolerance, int32 and bool exactly).
 */
export async function parity(
  fn: (make: Maker) => tf.Tensor | tf.Tensor[],
  tol: Tolerance = {},
): Promise<void> {
  const seed = seedCounter++;
  const expected = await runOn('cpu', seed, fn);
  const nativeBefore = numNativeTensors();
  const actual = await runOn('torch', seed, fn);
  expect(numNativeTensors(), 'native tensors leaked').toBe(nativeBefore);
  await tf.setBackend('torch');
  expect(actual.length, 'number of outputs').toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    const e = expected[i] as Result;
    const a = actual[i] as Result;
    expect(a.shape, `output ${i} shape`).toEqual(e.shape);
    expect(a.dtype, `output ${i} dtype`).toBe(e.dtype);
    if (e.dtype === 'float32') {
      // NaN where tfjs has NaN is agreement; expectClose counts it as a difference.
      const both = (v: ArrayLike<number>, w: ArrayLike<number>) =>
        Float64Array.from(v, (x, j) => (Number.isNaN(x) && Number.isNaN(w[j] as number) ? 0 : x));
      expectClose(both(a.values, e.values), both(e.values, a.values), {
        rtol: tol.rtol ?? 1e-5,
        atol: tol.atol ?? 1e-6,
      });
    } else {
      expect(Array.from(a.values), `output ${i} values`).toEqual(Array.from(e.values));
    }
  }
}

/** Parity of the value and of the gradients with respect to every input `fn` makes. */
export async function gradParity(
  shapes: number[][],
  fn: (...xs: tf.Tensor[]) => tf.Tensor,
  tol: Tolerance = {},
): Promise<void> {
  await parity((make) => {
    const xs = shapes.map((s) => make(s));
    // A fixed random cotangent makes every gradient entry matter.
    const probe = (...args: tf.Tensor[]) => {
      const y = fn(...args);
      const w = tf.tensor(uniform(77, y.size), y.shape);
      return tf.sum(tf.mul(y, w));
    };
    const grads = tf.grads(probe)(xs);
    return [fn(...xs), ...grads];
  }, tol);
}
