/**
 * Times a small conv net's forward + backward (a DCGAN-like discriminator block on
 * [8, 32, 32, 3]) on the cpu, wasm and torch backends. Run: npx vite-node bench/convStep.ts
 */
import '@tensorflow/tfjs-backend-wasm';
import { tf } from '../../../src/tf.js';
import {
  getFallbackCounts,
  isTorchAvailable,
  registerCpuFallbackKernels,
  resetFallbackCounts,
  torchUnavailableReason,
} from '../src/index.js';

// wasm lacks some gradient kernels (Conv2DBackpropFilter); the product fills them the same way.
registerCpuFallbackKernels('wasm');

function makeWeights(): tf.Variable[] {
  let seed = 1;
  const v = (shape: number[]) => tf.variable(tf.randomNormal(shape, 0, 0.05, 'float32', seed++));
  return [v([4, 4, 3, 32]), v([4, 4, 32, 64]), v([4, 4, 64, 128]), v([4 * 4 * 128, 1])];
}

function forwardBackward(ws: tf.Variable[], x: tf.Tensor4D): void {
  const [w1, w2, w3, w4] = ws as [tf.Variable, tf.Variable, tf.Variable, tf.Variable];
  const { value, grads } = tf.variableGrads(() => {
    let h = tf.leakyRelu(tf.conv2d(x, w1 as unknown as tf.Tensor4D, 2, 'same'), 0.2);
    h = tf.leakyRelu(tf.conv2d(h as tf.Tensor4D, w2 as unknown as tf.Tensor4D, 2, 'same'), 0.2);
    h = tf.leakyRelu(tf.conv2d(h as tf.Tensor4D, w3 as unknown as tf.Tensor4D, 2, 'same'), 0.2);
    const logits = tf.matMul(tf.reshape(h, [x.shape[0], -1]), w4 as unknown as tf.Tensor2D);
    return tf.mean(tf.softplus(logits)) as tf.Scalar;
  });
  value.dataSync();
  tf.dispose([value, ...Object.values(grads)]);
}

async function time(backend: string, reps: number): Promise<void> {
  if (!(await tf.setBackend(backend))) {
    console.log(`${backend}: unavailable`);
    return;
  }
  const ws = makeWeights();
  const x = tf.randomUniform([8, 32, 32, 3], -1, 1, 'float32', 7) as tf.Tensor4D;
  forwardBackward(ws, x);
  const start = performance.now();
  for (let i = 0; i < reps; i++) forwardBackward(ws, x);
  const ms = (performance.now() - start) / reps;
  const fallbacks = JSON.stringify(getFallbackCounts());
  console.log(
    `${backend.padEnd(6)} ${ms.toFixed(2)} ms per forward+backward; fallbacks ${fallbacks}`,
  );
  resetFallbackCounts();
  tf.dispose([x, ...ws]);
}

if (!isTorchAvailable()) console.log(`torch: ${torchUnavailableReason()}`);
await time('cpu', 3);
await time('wasm', 10);
await time('torch', 30);
