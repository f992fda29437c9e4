/**
 * Times Conv2DBackpropFilter on the wasm backend (dag-gan's kernel) against tfjs's cpu kernel,
 * and what cutting one tap's window with StridedSlice and multiplying it would cost instead;
 * then Conv2DBackpropInput at the default DCGAN's training shapes, dag-gan's wasm kernel
 * against the wasm backend's own loop kernel it replaces (called directly, so both run on the
 * same backend in the same process).
 *
 *   npx vite-node bench/wasmConv.ts
 */
import '@tensorflow/tfjs-backend-wasm';
import { tf } from '../src/tf.js';
import { Random } from '../src/random/random.js';
import { selectBackend } from '../src/backends/selectBackend.js';

type Shape4 = [number, number, number, number];

interface Layer {
  name: string;
  x: Shape4;
  filter: Shape4;
  strides: number;
}

// Discriminator-like layers at the sizes a small GAN trains on.
const layers: Layer[] = [
  { name: 'rgb 32x32 -> 32, 4x4 s2', x: [8, 32, 32, 3], filter: [4, 4, 3, 32], strides: 2 },
  { name: '16x16x32 -> 64, 4x4 s2', x: [8, 16, 16, 32], filter: [4, 4, 32, 64], strides: 2 },
  { name: '16x16x64 -> 64, 3x3 s1', x: [8, 16, 16, 64], filter: [3, 3, 64, 64], strides: 1 },
];

function randomTensor(random: Random, shape: number[]): tf.Tensor {
  const values = new Float32Array(shape.reduce((a, b) => a * b, 1));
  for (let i = 0; i < values.length; i++) values[i] = random.normal();
  return tf.tensor(values, shape);
}

/** Median milliseconds of `fn` over `runs` runs after one warm-up. */
function time(fn: () => tf.Tensor, runs: number): number {
  fn().dispose();
  const ms: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    const out = fn();
    out.dataSync();
    ms.push(performance.now() - start);
    out.dispose();
  }
  ms.sort((a, b) => a - b);
  return ms[Math.floor(ms.length / 2)]!;
}

async function filterGradMs(backend: string, layer: Layer, runs: number): Promise<number> {
  await selectBackend(backend as 'wasm' | 'cpu');
  const random = new Random(1);
  const x = randomTensor(random, layer.x) as tf.Tensor4D;
  const outH = Math.ceil(layer.x[1] / layer.strides);
  const outW = Math.ceil(layer.x[2] / layer.strides);
  const dy = randomTensor(random, [layer.x[0], outH, outW, layer.filter[3]]) as tf.Tensor4D;
  const attrs = {
    strides: layer.strides,
    pad: 'same',
    dataFormat: 'NHWC',
    filterShape: layer.filter,
  };
  const ms = time(
    () => tf.engine().runKernel('Conv2DBackpropFilter', { x, dy }, attrs as never) as tf.Tensor,
    runs,
  );
  x.dispose();
  dy.dispose();
  return ms;
}

interface InputGradLayer {
  name: string;
  /** The forward convolution's input, whose gradient is computed. */
  x: Shape4;
  filter: Shape4;
  strides: number;
  pad: number;
}

// The default DCGAN at batch 64: D's 3x3 stride-2 convolutions padded by 1 (their input
// gradient) and G's kernel-2 stride-2 transposed convolutions (their forward).
const dConv = (name: string, x: Shape4, filter: Shape4): InputGradLayer => ({
  name,
  x,
  filter,
  strides: 2,
  pad: 1,
});
const gUp = (name: string, x: Shape4, filter: Shape4): InputGradLayer => ({
  name,
  x,
  filter,
  strides: 2,
  pad: 0,
});
const inputGradLayers: InputGradLayer[] = [
  dConv('D conv1 grad 28x28x1 <- 64', [64, 28, 28, 1], [3, 3, 1, 64]),
  dConv('D conv2 grad 14x14x64 <- 128', [64, 14, 14, 64], [3, 3, 64, 128]),
  dConv('D conv3 grad 7x7x128 <- 256', [64, 7, 7, 128], [3, 3, 128, 256]),
  gUp('G up 4x4x256 -> 8x8x128', [64, 8, 8, 128], [2, 2, 128, 256]),
  gUp('G up 7x7x128 -> 14x14x64', [64, 14, 14, 64], [2, 2, 64, 128]),
  gUp('G up 14x14x64 -> 28x28x1', [64, 28, 28, 1], [2, 2, 1, 64]),
];

interface Timing {
  min: number;
  median: number;
}

/**
 * Milliseconds of kernel functions called directly on the wasm backend, after one warm-up
 * each. Their runs alternate, so that a machine busy with other work slows them alike; the
 * minimum is the steadier figure when it is.
 */
function timeKernels(
  kernels: tf.KernelFunc[],
  inputs: tf.NamedTensorInfoMap,
  attrs: object,
  runs: number,
): Timing[] {
  const backend = tf.backend();
  const once = (kernel: tf.KernelFunc) => {
    const start = performance.now();
    const out = kernel({ inputs, backend, attrs: attrs as tf.NamedAttrMap }) as tf.TensorInfo;
    backend.readSync(out.dataId);
    backend.disposeData(out.dataId);
    return performance.now() - start;
  };
  const ms = kernels.map((k) => {
    once(k);
    return [] as number[];
  });
  for (let i = 0; i < runs; i++) kernels.forEach((k, j) => ms[j]!.push(once(k)));
  return ms.map((m) => {
    m.sort((a, b) => a - b);
    return { min: m[0]!, median: m[Math.floor(m.length / 2)]! };
  });
}

async function inputGradients(): Promise<void> {
  // The backend's own kernel must be taken before dag-gan's replaces it, and after the backend
  // has set it up (its setup binds the wasm function it calls).
  await tf.setBackend('wasm');
  const stock = tf.getKernel('Conv2DBackpropInput', 'wasm');
  await selectBackend('wasm');
  const ours = tf.getKernel('Conv2DBackpropInput', 'wasm');
  if (stock === undefined || ours === undefined || stock.kernelFunc === ours.kernelFunc) {
    throw new Error("bench: expected the wasm backend's Conv2DBackpropInput and dag-gan's");
  }
  let stockTotal = 0;
  let oursTotal = 0;
  for (const layer of inputGradLayers) {
    const random = new Random(3);
    const { x, filter: filterShape, strides, pad } = layer;
    const info = tf.backend_util.computeConv2DInfo(x, filterShape, strides, 1, pad);
    const dyShape = [info.batchSize, info.outHeight, info.outWidth, filterShape[3]];
    const dy = randomTensor(random, dyShape);
    const filter = randomTensor(random, filterShape);
    const inputs = { dy, filter } as unknown as tf.NamedTensorInfoMap;
    const attrs = { strides, pad, dataFormat: 'NHWC', inputShape: x };
    const [before, after] = timeKernels([stock.kernelFunc, ours.kernelFunc], inputs, attrs, 5);
    stockTotal += before!.min;
    oursTotal += after!.min;
    const show = (t: Timing) => `${t.min.toFixed(1)} ms (median ${t.median.toFixed(1)})`;
    console.log(
      `${layer.name.padEnd(30)} dy=[${dyShape}] filter=[${filterShape}]: ` +
        `backend loop ${show(before!)}, dag-gan ${show(after!)}, ` +
        `${(before!.min / after!.min).toFixed(1)}x`,
    );
    tf.dispose([dy, filter]);
  }
  console.log(
    `Conv2DBackpropInput, all six layers once (minima): backend loop ` +
      `${stockTotal.toFixed(1)} ms, dag-gan ${oursTotal.toFixed(1)} ms`,
  );
}

async function main(): Promise<void> {
  // First: it needs the wasm backend as it is before dag-gan's kernels are registered.
  await inputGradients();

  for (const layer of layers) {
    const wasm = await filterGradMs('wasm', layer, 9);
    const cpu = await filterGradMs('cpu', layer, 3);
    console.log(
      `${layer.name.padEnd(26)} x=[${layer.x}] filter=[${layer.filter}]: ` +
        `wasm ${wasm.toFixed(1)} ms, cpu ${cpu.toFixed(1)} ms (${(cpu / wasm).toFixed(1)}x)`,
    );
  }

  // One filter tap of the middle layer done on its own: its window cut with StridedSlice, then
  // the product with or without transposeA (the latter is the only one XNNPACK serves).
  await selectBackend('wasm');
  const random = new Random(2);
  const padded = randomTensor(random, [8, 19, 19, 32]) as tf.Tensor4D;
  const rows = 8 * 8 * 8;
  const a = randomTensor(random, [rows, 32]) as tf.Tensor2D;
  const b = randomTensor(random, [rows, 64]) as tf.Tensor2D;
  const bT = tf.transpose(b) as tf.Tensor2D;
  const slice = time(
    () => tf.stridedSlice(padded, [0, 1, 1, 0], [8, 16, 16, 32], [1, 2, 2, 1]),
    15,
  );
  const transposed = time(() => tf.matMul(a, b, true, false), 15);
  const plain = time(() => tf.tidy(() => tf.matMul(bT, tf.clone(a))), 15);
  console.log(
    `one tap of [8,16,16,32] -> 64, 4x4 s2: StridedSlice ${slice.toFixed(2)} ms, ` +
      `matmul with transposeA ${transposed.toFixed(2)} ms, without ${plain.toFixed(2)} ms`,
  );
  tf.dispose([padded, a, b, bT]);
}

await main();
