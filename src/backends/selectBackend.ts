/**
 * Chooses and activates the tfjs backend a run trains on.
 */
import { UserError } from '../errors.js';
import { tf } from '../tf.js';
import { registerWasmKernels, type ImportModule } from './wasm/registerWasmKernels.js';

/** The backends a user may ask for; 'auto' picks the fastest one that works here. */
export const BACKEND_CHOICES = ['auto', 'torch', 'wasm', 'cpu'] as const;
export type BackendChoice = (typeof BACKEND_CHOICES)[number];

const TORCH_PACKAGE = '@dag-gan/tfjs-backend-torch';

const TORCH_HELP =
  'build it with `npm run build:native` (it needs libtorch; on Debian: apt-get install ' +
  'libtorch-dev), or choose --backend wasm';

/** How `selectBackend` reaches the optional packages; tests pass stand-ins. */
export interface SelectBackendOptions {
  importModule?: ImportModule;
}

// A variable specifier keeps TypeScript from requiring the optional package to exist.
const defaultImport: ImportModule = (specifier) => import(specifier);

/** Why the torch backend cannot be used, or undefined when it can. */
async function torchUnavailableReason(load: ImportModule): Promise<string | undefined> {
  let mod: unknown;
  try {
    mod = await load(TORCH_PACKAGE);
  } catch (error) {
    return `${TORCH_PACKAGE} could not be loaded (${(error as Error).message})`;
  }
  const isTorchAvailable = (mod as { isTorchAvailable?: unknown }).isTorchAvailable;
  if (typeof isTorchAvailable !== 'function') {
    return `${TORCH_PACKAGE} does not export isTorchAvailable()`;
  }
  if (isTorchAvailable() !== true) {
    return `${TORCH_PACKAGE} is installed but its native libtorch binding is not available`;
  }
  return undefined;
}

async function activate(name: string): Promise<void> {
  let ok: boolean;
  try {
    ok = await tf.setBackend(name);
  } catch (error) {
    // tfjs throws when no backend of that name was registered.
    throw new UserError(`--backend ${name}: ${(error as Error).message}`);
  }
  if (!ok) throw new UserError(`--backend ${name}: the ${name} backend failed to initialise`);
  await tf.ready();
}

/**
 * Activates a backend and returns its name.
 *
 * - 'auto': torch when `@dag-gan/tfjs-backend-torch` loads and reports `isTorchAvailable()`,
 *   otherwise wasm.
 * - 'torch': throws a `UserError` saying why it is unavailable and how to build it.
 * - 'wasm': registers dag-gan's wasm kernels first. In Node the backend runs on one thread:
 *   tfjs-backend-wasm turns its threaded build off there (its worker is a Blob URL, which
 *   Node's worker_threads refuse), so `setThreadsCount` has no effect. Browsers get threads
 *   only when cross-origin isolated (SharedArrayBuffer); they then use every logical core.
 * - 'cpu': the reference backend, slow, for checks.
 */
export async function selectBackend(
  name: BackendChoice,
  options: SelectBackendOptions = {},
): Promise<string> {
  const load = options.importModule ?? defaultImport;
  // The cpu backend greets Node users on its first tensor; dag-gan's output stays quiet. Done
  // for every choice, since kernels borrowed from the cpu backend may wake it later.
  const cpu = tf.findBackend('cpu') as unknown as { firstUse?: boolean } | null;
  if (cpu !== null && 'firstUse' in cpu) cpu.firstUse = false;
  switch (name) {
    case 'auto': {
      const reason = await torchUnavailableReason(load);
      return selectBackend(reason === undefined ? 'torch' : 'wasm', options);
    }
    case 'torch': {
      const reason = await torchUnavailableReason(load);
      if (reason !== undefined) throw new UserError(`--backend torch: ${reason}; ${TORCH_HELP}`);
      await activate('torch');
      return 'torch';
    }
    case 'wasm':
      await registerWasmKernels(load);
      await activate('wasm');
      return 'wasm';
    case 'cpu':
      await activate('cpu');
      return 'cpu';
    default:
      throw new UserError(
        `--backend: expected one of auto, torch, wasm, cpu, got ${JSON.stringify(name)}`,
      );
  }
}
