import * as tf from '@tensorflow/tfjs';

/**
 * Comparisons whose gradient tfjs leaves unregistered. They are piecewise constant in their
 * inputs, so the gradient is zero almost everywhere. tfjs's leakyRelu and relu gradients select
 * through `Greater`, so a second derivative (WGAN-GP's penalty, differentiated with respect to
 * D's weights) walks into them and fails with "gradient function not found for Greater".
 */
const COMPARISON_KERNELS = [
  'Greater',
  'GreaterEqual',
  'Less',
  'LessEqual',
  'Equal',
  'NotEqual',
] as const;

let registered = false;

export function registerComparisonGradients(): void {
  if (registered) return;
  registered = true;
  for (const kernelName of COMPARISON_KERNELS) {
    if (tf.getGradient(kernelName) !== undefined) continue;
    tf.registerGradient({
      kernelName,
      inputsToSave: ['a', 'b'],
      gradFunc: (_dy, saved) => {
        const [a, b] = saved as [tf.Tensor, tf.Tensor];
        return { a: () => tf.zerosLike(a), b: () => tf.zerosLike(b) };
      },
    });
  }
}
