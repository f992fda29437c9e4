import { registerKernel } from '@tensorflow/tfjs-core';
import type { NamedAttrMap, NamedTensorInfoMap, TensorInfo } from '@tensorflow/tfjs-core';
import { runOnCpu } from '../cpuFallback.js';
import type { TorchBackend } from '../torchBackend.js';

/** What a kernel body receives: its inputs, attributes and the torch backend. */
export interface KernelCall {
  inputs: NamedTensorInfoMap;
  attrs: NamedAttrMap;
  backend: TorchBackend;
  /** Runs tfjs's cpu kernel instead, for a variant the native kernel does not cover. */
  fallback(): TensorInfo | TensorInfo[];
}

export type KernelBody = (call: KernelCall) => TensorInfo | TensorInfo[];

/** Registers a kernel of the torch backend under tfjs's kernel name. */
export function defineKernel(backendName: string, kernelName: string, body: KernelBody): void {
  registerKernel({
    kernelName,
    backendName,
    kernelFunc: (args) => {
      const backend = args.backend as unknown as TorchBackend;
      const inputs = args.inputs;
      const attrs = args.attrs ?? {};
      return body({
        inputs,
        attrs,
        backend,
        fallback: () => runOnCpu(kernelName, { inputs, backend, attrs }),
      });
    },
  });
}

/** Input `key`, which tfjs guarantees for the kernel. */
export function input(inputs: NamedTensorInfoMap, key: string): TensorInfo {
  const t = inputs[key];
  if (!t) throw new Error(`kernel input ${key} is missing`);
  return t;
}

/**
 * A kernel whose native twin takes the listed inputs in order (absent optional ones skipped)
 * and reads the tfjs attributes as they are, or as `attrs` maps them.
 */
export function direct(
  backendName: string,
  kernelName: string,
  keys: readonly string[],
  attrs?: (a: NamedAttrMap, ins: TensorInfo[]) => object,
): void {
  defineKernel(backendName, kernelName, ({ inputs, attrs: a, backend }) => {
    const ins = keys.map((k) => inputs[k]).filter((t): t is TensorInfo => t != null);
    return backend.run1(kernelName, ins, attrs ? attrs(a, ins) : a);
  });
}
