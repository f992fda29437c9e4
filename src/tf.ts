/**
 * The one place that imports TensorFlow.js. Everything else imports `tf` from here, so the
 * gradient fixes below are in force before any model is built.
 *
 * `@tensorflow/tfjs` (not bare `tfjs-core`) is used because only the union package's Node build
 * registers the gradients of the kernels; tfjs-core's CommonJS build registers none.
 */
import * as tf from '@tensorflow/tfjs';
import { registerComparisonGradients } from './backends/comparisonGradients.js';

registerComparisonGradients();

export { tf };
export type { Tensor, Tensor1D, Tensor2D, Tensor4D, Variable, Rank } from '@tensorflow/tfjs';
