/**
 * Completes the wasm backend with the kernels dag-gan's training needs and it lacks.
 */
import { tf } from '../../tf.js';
import { conv2DBackpropFilterWasmConfig } from './conv2dBackpropFilter.js';
import { conv2DBackpropInputWasmConfig } from './conv2dBackpropInput.js';

// Importable without libtorch: the fallback only runs tfjs's own cpu kernels.
const CPU_FALLBACK_MODULE = '@dag-gan/tfjs-backend-torch/cpuFallback';

/** Loads an optional module by name; rejects when it is absent. */
export type ImportModule = (specifier: string) => Promise<unknown>;

// A variable specifier keeps TypeScript from requiring the optional package to exist.
const importModule: ImportModule = (specifier) => import(specifier);

let registration: Promise<void> | undefined;

/**
 * Registers dag-gan's own wasm kernels, then lets the generic cpu fallback fill in whatever the
 * wasm backend still lacks. Safe to call repeatedly and concurrently; it registers once.
 * `load` fetches the optional fallback module (tests pass a stand-in).
 */
export function registerWasmKernels(load: ImportModule = importModule): Promise<void> {
  registration ??= register(load).catch((error: unknown) => {
    registration = undefined; // let a later call retry
    throw error;
  });
  return registration;
}

async function register(load: ImportModule): Promise<void> {
  // The backend's own kernels must be registered before ours compose them.
  await import('@tensorflow/tfjs-backend-wasm');
  for (const config of [conv2DBackpropFilterWasmConfig, conv2DBackpropInputWasmConfig]) {
    const { kernelName, backendName, kernelFunc } = config;
    const existing = tf.getKernel(kernelName, backendName);
    if (existing?.kernelFunc !== kernelFunc) {
      // A cpu fallback registered earlier, or the backend's own loop kernel, would be far
      // slower than ours; replace it.
      if (existing !== undefined) tf.unregisterKernel(kernelName, backendName);
      tf.registerKernel(config);
    }
  }

  // The cpu fallback fills the kernels wasm still lacks (UnsortedSegmentSum, ...). It must
  // come after ours, so it fills only what is still missing.
  await (
    await loadCpuFallback(load)
  )('wasm');
}

/**
 * `registerCpuFallbackKernels` of the torch backend package. Its TypeScript is built with the
 * product (`npm run build`) whether or not libtorch is there, so its absence is a broken build.
 */
async function loadCpuFallback(load: ImportModule): Promise<(backendName: string) => unknown> {
  let mod: unknown;
  try {
    mod = await load(CPU_FALLBACK_MODULE);
  } catch (error) {
    throw new Error(
      `wasm backend: cannot load ${CPU_FALLBACK_MODULE} (${(error as Error).message}); ` +
        'run npm run build',
    );
  }
  const fn = (mod as { registerCpuFallbackKernels?: unknown }).registerCpuFallbackKernels;
  if (typeof fn !== 'function') {
    throw new Error(`wasm backend: ${CPU_FALLBACK_MODULE} exports no registerCpuFallbackKernels`);
  }
  return fn as (backendName: string) => unknown;
}
