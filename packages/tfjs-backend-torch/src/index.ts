/**
 * A TensorFlow.js backend named `torch` whose tensors live in libtorch. Importing this module
 * registers it (when the native addon is built); `tf.setBackend('torch')` selects it. Without
 * the addon nothing is registered and `isTorchAvailable()` says why.
 */
import { registerBackend } from '@tensorflow/tfjs-core';
import { registerCpuFallbackKernels } from './cpuFallback.js';
import { registerNativeKernels } from './kernels/index.js';
import { installLeakyReluGradient } from './leakyReluGradient.js';
import { addon, unavailableReason } from './native.js';
import { TorchBackend } from './torchBackend.js';

export {
  registerCpuFallbackKernels,
  getFallbackCounts,
  resetFallbackCounts,
} from './cpuFallback.js';
export type { CpuFallbackOptions } from './cpuFallback.js';
export { LEAKY_RELU_GRAD, installLeakyReluGradient } from './leakyReluGradient.js';
export { TorchBackend } from './torchBackend.js';
export type { TorchMemoryInfo } from './torchBackend.js';

/** The name the backend is registered under. */
export const TORCH_BACKEND_NAME = 'torch';

/**
 * Below cpu (1) and wasm (2): the backend is used only when asked for by name, so importing
 * this package never changes which backend a program gets by default.
 */
const PRIORITY = 0;

/** Whether the native addon loaded and the `torch` backend is registered. */
export function isTorchAvailable(): boolean {
  return addon !== undefined;
}

/** Why the torch backend is unavailable; empty when it is available. */
export function torchUnavailableReason(): string {
  return unavailableReason;
}

function requireAddon(operation: string): NonNullable<typeof addon> {
  if (!addon)
    throw new Error(`${operation}: the torch backend is unavailable: ${unavailableReason}`);
  return addon;
}

/** Sets ATen's intra-op thread count (default: DAG_GAN_TORCH_THREADS, else all usable cores). */
export function setTorchThreads(n: number): void {
  if (!Number.isInteger(n) || n < 1) {
    throw new Error(`setTorchThreads: expected a positive integer, got ${n}`);
  }
  requireAddon('setTorchThreads').setThreads(n);
}

/** ATen's current intra-op thread count. */
export function getTorchThreads(): number {
  return requireAddon('getTorchThreads').getThreads();
}

/** Tensors alive in the addon (all backends instances together). */
export function numNativeTensors(): number {
  return requireAddon('numNativeTensors').liveCount();
}

/**
 * Eigen-decomposition of a symmetric n x n float64 matrix (row-major) by LAPACK through ATen's
 * linalg_eigh. Eigenvalues ascend; `eigenvectors` is row-major n x n with eigenvector i in
 * column i. Only the lower triangle is read.
 */
export function symmetricEigen(
  values: Float64Array,
  n: number,
): { eigenvalues: Float64Array; eigenvectors: Float64Array } {
  if (!Number.isInteger(n) || n < 0 || values.length !== n * n) {
    throw new Error(
      `symmetricEigen: expected ${n} x ${n} = ${n * n} values for n = ${n}, got ${values.length}`,
    );
  }
  return requireAddon('symmetricEigen').symmetricEigen(values, n);
}

/** The unbiased covariance `[dims, dims]` of `samples` rows of `dims` values, via BLAS, float64. */
export function covariance(values: Float64Array, samples: number, dims: number): Float64Array {
  if (values.length !== samples * dims) {
    throw new Error(
      `covariance: expected ${samples} x ${dims} = ${samples * dims} values, got ${values.length}`,
    );
  }
  return requireAddon('covariance').covariance(values, samples, dims);
}

/** A B^T for row-major a `[aRows, depth]` and b `[bRows, depth]`, via BLAS, float64. */
export function multiplyABt(
  a: Float64Array,
  aRows: number,
  b: Float64Array,
  bRows: number,
  depth: number,
): Float64Array {
  if (a.length < aRows * depth || b.length < bRows * depth) {
    throw new Error(
      `multiplyABt: expected a [${aRows}, ${depth}] and b [${bRows}, ${depth}], got ` +
        `${a.length} and ${b.length} values`,
    );
  }
  return requireAddon('multiplyABt').multiplyABt(a, aRows, b, bRows, depth);
}

if (addon) {
  const native = addon;
  registerNativeKernels(TORCH_BACKEND_NAME);
  registerCpuFallbackKernels(TORCH_BACKEND_NAME);
  installLeakyReluGradient(TORCH_BACKEND_NAME);
  registerBackend(
    TORCH_BACKEND_NAME,
    () => {
      // tfjs's own gradients may have been registered after this module was imported.
      installLeakyReluGradient(TORCH_BACKEND_NAME);
      return new TorchBackend(native);
    },
    PRIORITY,
  );
}
