import {
  engine,
  getGradient,
  greater,
  mul,
  registerGradient,
  where,
  zerosLike,
} from '@tensorflow/tfjs-core';
import type { GradConfig, NamedAttrMap, Tensor } from '@tensorflow/tfjs-core';

/** The torch backend's fused LeakyRelu gradient kernel: inputs {dy, x}, attrs {alpha}. */
export const LEAKY_RELU_GRAD = 'TorchLeakyReluGrad';

/**
 * dL/dx of LeakyRelu. On the torch backend one fused ATen kernel; elsewhere tfjs's own formula
 * (dy where x > 0, else alpha * dy), so registering this gradient changes nothing for other
 * backends. Gradients are global in tfjs, hence the switch on the active backend.
 */
export function leakyReluGrad(dy: Tensor, x: Tensor, alpha: number, backendName: string): Tensor {
  if (engine().backendName === backendName) {
    return engine().runKernel(LEAKY_RELU_GRAD, { dy, x }, { alpha }) as Tensor;
  }
  return where(greater(x, 0), dy, mul(dy, alpha));
}

let lastInstalled: GradConfig | undefined;

/**
 * Installs the LeakyRelu gradient that uses the fused kernel on `backendName`, and a gradient
 * for the fused kernel itself (linear in dy with the same mask; zero in x), so the result stays
 * twice differentiable as WGAN-GP needs. Idempotent; re-installs if tfjs replaced it since.
 */
export function installLeakyReluGradient(backendName: string): void {
  if (lastInstalled && getGradient('LeakyRelu') === lastInstalled) return;
  const alphaOf = (attrs: NamedAttrMap): number => attrs.alpha as number;
  const forward: GradConfig = {
    kernelName: 'LeakyRelu',
    inputsToSave: ['x'],
    gradFunc: (dy, saved, attrs) => {
      const [x] = saved as [Tensor];
      return { x: () => leakyReluGrad(dy as Tensor, x, alphaOf(attrs), backendName) };
    },
  };
  registerGradient(forward);
  registerGradient({
    kernelName: LEAKY_RELU_GRAD,
    inputsToSave: ['x'],
    gradFunc: (g, saved, attrs) => {
      const [x] = saved as [Tensor];
      return {
        dy: () => leakyReluGrad(g as Tensor, x, alphaOf(attrs), backendName),
        x: () => zerosLike(x),
      };
    },
  });
  lastInstalled = getGradient('LeakyRelu');
}
