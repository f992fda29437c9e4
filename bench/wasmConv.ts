/**
 * Times Conv2DBackpropFilter on the wasm backend (dag-gan's kernel) against tfjs's cpu kernel,
 * and what cutting one tap's window with StridedSlice and multiplying it would cost instead.
 *
 *   npx vite-node bench/wasmConv.ts
 */
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

async function main(): Promise<void> {
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
