import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';

/** The C++ addon's surface (csrc/addon.cc). Handles are indices into its tensor table. */
export interface TorchAddon {
  kernelNames(): string[];
  /** The buffer `run` writes its outputs' metadata into: count, then [handle, dtype, rank, dims]. */
  metaBuffer(): Int32Array;
  run(kernelId: number, inputs: number[], attrs?: object): number;
  write(values: ArrayBufferView, dtypeCode: number, shape: number[]): number;
  read(handle: number): ArrayBuffer;
  free(handle: number): void;
  liveCount(): number;
  setThreads(n: number): void;
  getThreads(): number;
  symmetricEigen(
    values: Float64Array,
    n: number,
  ): { eigenvalues: Float64Array; eigenvectors: Float64Array };
  covariance(values: Float64Array, samples: number, dims: number): Float64Array;
  multiplyABt(
    a: Float64Array,
    aRows: number,
    b: Float64Array,
    bRows: number,
    depth: number,
  ): Float64Array;
  buildInfo(): { mkldnn: boolean; openblasSingleThreaded: boolean; parallel: string };
}

const ADDON_FILE = 'build/Release/tfjs_backend_torch.node';

interface Loaded {
  addon?: TorchAddon;
  reason: string;
}

function load(): Loaded {
  // OpenMP threads spin while waiting by default; when another process holds a core, a spinning
  // thread and the one doing the work share it and a 5 ms step became 170 ms. Passive waiting
  // costs little. libgomp reads this once, when the addon loads it, so it is set first.
  process.env.OMP_WAIT_POLICY ??= 'PASSIVE';
  const require = createRequire(import.meta.url);
  // Sources run from src/, the compiled package from dist/src/.
  const candidates = [
    process.env.DAG_GAN_TORCH_ADDON,
    fileURLToPath(new URL(`../${ADDON_FILE}`, import.meta.url)),
    fileURLToPath(new URL(`../../${ADDON_FILE}`, import.meta.url)),
  ].filter((c): c is string => typeof c === 'string' && c.length > 0);
  let reason = `the native addon is not built (run: node scripts/build-native.mjs in the project root); looked for ${ADDON_FILE}`;
  for (const file of candidates) {
    try {
      return { addon: require(file) as TorchAddon, reason: '' };
    } catch (err) {
      const code = (err as { code?: string }).code;
      if (code !== 'MODULE_NOT_FOUND') {
        const first = String((err as Error).message ?? err).split('\n')[0];
        reason = `the native addon ${file} failed to load: ${first}`;
        break;
      }
    }
  }
  return { reason };
}

const loaded = load();

/** The loaded addon, or undefined when it is not built or cannot load. */
export const addon: TorchAddon | undefined = loaded.addon;

/** Why the addon is unavailable; empty when it is available. */
export const unavailableReason: string = loaded.reason;

/** Parses DAG_GAN_TORCH_THREADS, defaulting to the cores this process may use. */
export function defaultThreads(): number {
  const raw = process.env.DAG_GAN_TORCH_THREADS;
  if (raw === undefined || raw === '') return availableParallelism();
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1) {
    throw new Error(`DAG_GAN_TORCH_THREADS: expected a positive integer, got "${raw}"`);
  }
  return n;
}

if (addon) addon.setThreads(defaultThreads());
