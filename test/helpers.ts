import { expect } from 'vitest';
import { tf } from '../src/tf.js';

/** Selects a backend for a test file; the `cpu` backend is the reference. */
export async function useBackend(name: string): Promise<void> {
  const ok = await tf.setBackend(name);
  if (!ok) throw new Error(`test: backend ${name} could not be initialised`);
  // The cpu backend greets Node users on first use; tests stay silent.
  const backend = tf.findBackend(name) as unknown as { firstUse?: boolean };
  if (backend && 'firstUse' in backend) backend.firstUse = false;
}

/** Runs `fn` and fails if it leaves more tensors alive than it found. */
export async function expectNoLeaks(fn: () => void | Promise<void>): Promise<void> {
  const before = tf.memory().numTensors;
  await fn();
  expect(tf.memory().numTensors, 'tensors leaked').toBe(before);
}

/** Element-wise closeness with a relative and an absolute tolerance, reporting the worst index. */
export function expectClose(
  actual: ArrayLike<number>,
  expected: ArrayLike<number>,
  { rtol = 1e-5, atol = 1e-6 }: { rtol?: number; atol?: number } = {},
): void {
  expect(actual.length, 'length').toBe(expected.length);
  let worst = -1;
  let worstExcess = 0;
  for (let i = 0; i < actual.length; i++) {
    const a = actual[i] as number;
    const e = expected[i] as number;
    const excess = Math.abs(a - e) - (atol + rtol * Math.abs(e));
    if (!(excess <= 0) && (worst < 0 || excess > worstExcess || Number.isNaN(excess))) {
      worst = i;
      worstExcess = excess;
    }
  }
  if (worst >= 0) {
    throw new Error(
      `values differ at index ${worst}: got ${actual[worst]}, expected ${expected[worst]} ` +
        `(rtol ${rtol}, atol ${atol})`,
    );
  }
}

/**
 * `expectClose` with an absolute slack of `fraction` of the largest expected magnitude, for
 * float32 sums taken in different orders: their error scales with the terms' magnitudes, not
 * with the result, so an element that cancels to near zero can miss a purely relative bound.
 */
export function expectCloseToLargest(
  actual: ArrayLike<number>,
  expected: ArrayLike<number>,
  { rtol = 1e-5, fraction = 2e-6 }: { rtol?: number; fraction?: number } = {},
): void {
  let max = 0;
  for (let i = 0; i < expected.length; i++) max = Math.max(max, Math.abs(expected[i] as number));
  expectClose(actual, expected, { rtol, atol: fraction * max });
}
