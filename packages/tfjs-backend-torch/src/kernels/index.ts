import { registerElementwiseKernels } from './elementwise.js';
import { registerLayoutKernels } from './layout.js';
import { registerNnKernels } from './nn.js';

/** Registers every native kernel of the torch backend under `backendName`. */
export function registerNativeKernels(backendName: string): void {
  registerElementwiseKernels(backendName);
  registerLayoutKernels(backendName);
  registerNnKernels(backendName);
}
