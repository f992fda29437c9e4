import { MathBackendCPU } from '@tensorflow/tfjs-backend-cpu';
import { getKernel, getKernelsForBackend, registerKernel } from '@tensorflow/tfjs-core';
import type {
  DataId,
  KernelBackend,
  KernelFunc,
  NamedAttrMap,
  NamedTensorInfoMap,
  TensorInfo,
} from '@tensorflow/tfjs-core';

/** Options of {@link registerCpuFallbackKernels}. */
export interface CpuFallbackOptions {
  /** Kernel names to leave unregistered (tfjs then reports them as missing). */
  exclude?: readonly string[];
}

const counts = new Map<string, number>();
let cpu: MathBackendCPU | undefined;
let exitHookInstalled = false;

/** A private cpu backend, outside the engine's registry, that only runs fallbacks. */
function cpuBackend(): MathBackendCPU {
  if (!cpu) {
    cpu = new MathBackendCPU();
    // The cpu backend greets Node users on its first write; a fallback is not a user choice.
    (cpu as unknown as { firstUse: boolean }).firstUse = false;
  }
  return cpu;
}

interface KernelArgs {
  inputs: NamedTensorInfoMap;
  backend: KernelBackend;
  attrs?: NamedAttrMap;
}

/**
 * Runs tfjs's cpu kernel `kernelName` on tensors of another backend: copies the inputs out,
 * runs the kernel on the private cpu backend, copies the outputs into `args.backend` and frees
 * every cpu temporary. Counts the call under the kernel's name.
 */
export function runOnCpu(kernelName: string, args: KernelArgs): TensorInfo | TensorInfo[] {
  const config = getKernel(kernelName, 'cpu');
  if (!config) throw new Error(`${kernelName}: no cpu kernel to fall back on`);
  counts.set(kernelName, (counts.get(kernelName) ?? 0) + 1);
  const target = args.backend;
  const backend = cpuBackend();
  const temporaries = new Set<DataId>();
  const toCpu = (t: TensorInfo | null | undefined): TensorInfo | null | undefined => {
    if (t == null) return t;
    const dataId = backend.write(target.readSync(t.dataId), t.shape, t.dtype);
    temporaries.add(dataId);
    return { dataId, shape: t.shape, dtype: t.dtype };
  };
  // Array-valued inputs (Concat, AddN, Pack) arrive as arrays; keep their shape.
  const source = args.inputs as unknown as Record<string, TensorInfo>;
  const inputs = (Array.isArray(source) ? [] : {}) as Record<string, TensorInfo | null | undefined>;
  for (const key of Object.keys(source)) inputs[key] = toCpu(source[key]);
  try {
    const result = (config.kernelFunc as KernelFunc)({
      inputs: inputs as NamedTensorInfoMap,
      backend,
      attrs: args.attrs ?? {},
    });
    const outputs = Array.isArray(result) ? result : [result];
    const moved = outputs.map((out) => {
      temporaries.add(out.dataId);
      const dataId = target.write(backend.readSync(out.dataId), out.shape, out.dtype);
      return { dataId, shape: out.shape, dtype: out.dtype };
    });
    return Array.isArray(result) ? moved : (moved[0] as TensorInfo);
  } finally {
    for (const dataId of temporaries) backend.disposeData(dataId, true);
  }
}

/**
 * Registers, for `backendName`, every kernel tfjs's cpu backend has and `backendName` lacks,
 * each running on the cpu through {@link runOnCpu}. Kernels the backend already has are left
 * alone, so call this after registering the backend's own kernels. Returns the names added.
 */
export function registerCpuFallbackKernels(
  backendName: string,
  options: CpuFallbackOptions = {},
): string[] {
  const exclude = new Set(options.exclude ?? []);
  const added: string[] = [];
  for (const { kernelName } of getKernelsForBackend('cpu')) {
    if (exclude.has(kernelName) || getKernel(kernelName, backendName)) continue;
    registerKernel({
      kernelName,
      backendName,
      kernelFunc: (args) => runOnCpu(kernelName, args as unknown as KernelArgs),
    });
    added.push(kernelName);
  }
  installExitReport();
  return added;
}

/** How many times each kernel fell back to the cpu, by kernel name, in this process. */
export function getFallbackCounts(): Record<string, number> {
  return Object.fromEntries([...counts.entries()].sort((a, b) => b[1] - a[1]));
}

/** Forgets the counts (for measuring one phase of a program). */
export function resetFallbackCounts(): void {
  counts.clear();
}

function installExitReport(): void {
  if (exitHookInstalled || process.env.DAG_GAN_TORCH_FALLBACKS !== '1') return;
  exitHookInstalled = true;
  process.on('exit', () => {
    const entries = Object.entries(getFallbackCounts());
    const text = entries.length ? entries.map(([name, n]) => `${name} ${n}`).join(', ') : 'none';
    process.stderr.write(`cpu fallback kernels: ${text}\n`);
  });
}
