import { beforeAll, describe, expect, it } from 'vitest';
import { tf } from '../../src/tf.js';
import { Random } from '../../src/random/random.js';
import { registerWasmKernels } from '../../src/backends/wasm/registerWasmKernels.js';
import { conv2DBackpropInputWasm } from '../../src/backends/wasm/conv2dBackpropInput.js';
import { expectCloseToLargest, expectNoLeaks, useBackend } from '../helpers.js';

type Shape4 = [number, number, number, number];
type Pad = 'same' | 'valid' | number | tf.backend_util.ExplicitPadding;

/** x is the forward convolution's input, whose gradient the kernel computes. */
interface Case {
  x: Shape4;
  filter: Shape4;
  strides: number | [number, number];
  pad: Pad;
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
}

function normals(random: Random, n: number): Float32Array {
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = random.normal();
  return out;
}

function size(shape: number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

function convInfo(c: Case): tf.backend_util.Conv2DInfo {
  return tf.backend_util.computeConv2DInfo(c.x, c.filter, c.strides, 1, c.pad, c.dimRoundingMode);
}

function dyShape(c: Case): Shape4 {
  const info = convInfo(c);
  return [info.batchSize, info.outHeight, info.outWidth, c.filter[3]];
}

function attrsOf(c: Case): object {
  return {
    strides: c.strides,
    pad: c.pad,
    dataFormat: 'NHWC',
    dimRoundingMode: c.dimRoundingMode,
    inputShape: c.x,
  };
}

/** Runs Conv2DBackpropInput on one backend and returns its values. */
async function inputGrad(backend: string, c: Case, dy: Float32Array, w: Float32Array) {
  await useBackend(backend);
  return tf.tidy(() => {
    const inputs = { dy: tf.tensor4d(dy, dyShape(c)), filter: tf.tensor4d(w, c.filter) };
    const out = tf.engine().runKernel('Conv2DBackpropInput', inputs, attrsOf(c) as never);
    expect((out as tf.Tensor).shape).toEqual(c.x);
    return (out as tf.Tensor).dataSync() as Float32Array;
  });
}

/**
 * Direct float64 sum from the definition:
 * dx[b, h, w, ci] = sum over oh, ow, kh, kw, co with oh*sh + kh - top = h and
 * ow*sw + kw - left = w of dy[b, oh, ow, co] * W[kh, kw, ci, co].
 */
function directInputGrad(c: Case, dy: Float32Array, wv: Float32Array): Float64Array {
  const info = convInfo(c);
  const [batch, inH, inW, inC] = c.x;
  const [fH, fW, , outC] = c.filter;
  const { outHeight: oH, outWidth: oW, strideHeight: sh, strideWidth: sw } = info;
  const { top, left } = info.padInfo;
  const out = new Float64Array(size(c.x));
  for (let b = 0; b < batch; b++)
    for (let oh = 0; oh < oH; oh++)
      for (let ow = 0; ow < oW; ow++)
        for (let kh = 0; kh < fH; kh++)
          for (let kw = 0; kw < fW; kw++) {
            const h = oh * sh + kh - top;
            const w = ow * sw + kw - left;
            if (h < 0 || h >= inH || w < 0 || w >= inW) continue;
            for (let ci = 0; ci < inC; ci++) {
              let s = 0;
              for (let co = 0; co < outC; co++) {
                const d = dy[((b * oH + oh) * oW + ow) * outC + co]!;
                s += d * wv[((kh * fW + kw) * inC + ci) * outC + co]!;
              }
              out[((b * inH + h) * inW + w) * inC + ci]! += s;
            }
          }
  return out;
}

function label(c: Case): string {
  const pad = typeof c.pad === 'object' ? JSON.stringify(c.pad) : String(c.pad);
  return (
    `x=[${c.x}] filter=[${c.filter}] strides=${JSON.stringify(c.strides)} pad=${pad}` +
    (c.dimRoundingMode ? ` rounding=${c.dimRoundingMode}` : '')
  );
}

// Both sides are float32 sums of up to ~50 products taken in different orders (XNNPACK
// blocks them, the cpu kernel runs them in order). Their error scales with the sum of the
// terms' magnitudes, not with the result, so an element that cancels to near zero can miss
// 1e-5 relative; hence, on top of rtol 1e-5, an absolute slack of 2e-6 of the largest element.
const expectCloseScaled = (actual: ArrayLike<number>, expected: ArrayLike<number>) =>
  expectCloseToLargest(actual, expected, { rtol: 1e-5, fraction: 2e-6 });

const cases: Case[] = [
  { x: [1, 5, 7, 1], filter: [3, 3, 1, 2], strides: 1, pad: 'same' },
  { x: [3, 5, 7, 3], filter: [3, 3, 3, 4], strides: 2, pad: 'same' },
  { x: [1, 5, 7, 3], filter: [3, 3, 3, 2], strides: 1, pad: 'valid' },
  { x: [3, 5, 7, 3], filter: [3, 3, 3, 2], strides: 2, pad: 'valid' },
  { x: [1, 5, 7, 3], filter: [4, 4, 3, 2], strides: 2, pad: 'valid' },
  { x: [3, 5, 7, 1], filter: [4, 4, 1, 3], strides: 1, pad: 'same' },
  { x: [3, 5, 7, 3], filter: [4, 4, 3, 2], strides: 2, pad: 'same' },
  { x: [3, 6, 8, 3], filter: [4, 4, 3, 2], strides: 2, pad: 'same' },
  { x: [3, 5, 7, 1], filter: [1, 1, 1, 3], strides: 1, pad: 'valid' },
  { x: [3, 5, 7, 3], filter: [1, 1, 3, 2], strides: 2, pad: 'same' },
  { x: [1, 5, 7, 3], filter: [3, 3, 3, 2], strides: [1, 2], pad: 'same' },
  { x: [3, 5, 7, 3], filter: [3, 3, 3, 2], strides: [2, 1], pad: 'valid' },
  { x: [3, 5, 7, 3], filter: [3, 3, 3, 2], strides: 2, pad: 1 },
  { x: [3, 6, 8, 3], filter: [3, 3, 3, 2], strides: 2, pad: 1 },
  {
    x: [3, 5, 7, 3],
    filter: [3, 3, 3, 2],
    strides: 2,
    pad: [
      [0, 0],
      [1, 2],
      [0, 1],
      [0, 0],
    ],
  },
  {
    x: [1, 5, 7, 1],
    filter: [4, 4, 1, 2],
    strides: 1,
    pad: [
      [0, 0],
      [2, 0],
      [1, 1],
      [0, 0],
    ],
  },
  // Padding wider than the filter: the outermost dy rows see only padding.
  {
    x: [1, 5, 7, 3],
    filter: [2, 2, 3, 2],
    strides: 1,
    pad: [
      [0, 0],
      [3, 0],
      [0, 2],
      [0, 0],
    ],
  },
  // Kernel size equal to the stride, no padding: one matrix product.
  { x: [3, 6, 8, 3], filter: [2, 2, 3, 4], strides: 2, pad: 'valid' },
  { x: [1, 6, 8, 1], filter: [2, 2, 1, 3], strides: 2, pad: 'same' },
  { x: [3, 6, 6, 3], filter: [3, 3, 3, 2], strides: 3, pad: 0 },
  { x: [1, 6, 8, 3], filter: [2, 1, 3, 2], strides: [2, 1], pad: 'valid' },
  // Odd sizes with kernel = stride take the general path: 'valid' leaves the last row and
  // column in no window (their gradient is zero), 'same' pads them at the bottom and right.
  { x: [3, 5, 7, 3], filter: [2, 2, 3, 2], strides: 2, pad: 'valid' },
  { x: [1, 5, 7, 1], filter: [2, 2, 1, 3], strides: 2, pad: 'same' },
  // A stride above the filter size: some phases see no tap, in rows and in columns.
  { x: [1, 7, 8, 2], filter: [2, 2, 2, 3], strides: 3, pad: 'valid' },
  { x: [3, 7, 8, 1], filter: [2, 3, 1, 2], strides: [3, 4], pad: 'same' },
  // 'ceil' makes the last window overhang the input; its overhang gets no gradient.
  { x: [1, 6, 8, 3], filter: [3, 3, 3, 2], strides: 2, pad: 0, dimRoundingMode: 'ceil' },
  // 16 input channels or more: phases with different tap counts convolve separately.
  { x: [2, 7, 5, 16], filter: [3, 3, 16, 3], strides: 2, pad: 1 },
  { x: [1, 7, 8, 16], filter: [2, 2, 16, 2], strides: 3, pad: 'valid' },
  { x: [1, 5, 7, 17], filter: [3, 3, 17, 2], strides: [1, 2], pad: 'same' },
  {
    x: [2, 6, 8, 16],
    filter: [3, 3, 16, 2],
    strides: 2,
    pad: [
      [0, 0],
      [1, 2],
      [0, 1],
      [0, 0],
    ],
  },
];

describe('Conv2DBackpropInput on wasm', () => {
  beforeAll(async () => {
    await registerWasmKernels();
    await useBackend('cpu');
    await useBackend('wasm');
  });

  it('is registered for wasm in place of the backend loop kernel', () => {
    const kernel = tf.getKernel('Conv2DBackpropInput', 'wasm');
    expect(kernel?.kernelFunc).toBe(conv2DBackpropInputWasm);
  });

  for (const [i, c] of cases.entries()) {
    it(`matches cpu ${label(c)}`, async () => {
      const random = new Random(300 + i);
      const dy = normals(random, size(dyShape(c)));
      const w = normals(random, size(c.filter));
      await expectNoLeaks(async () => {
        const expected = await inputGrad('cpu', c, dy, w);
        const actual = await inputGrad('wasm', c, dy, w);
        expectCloseScaled(actual, expected);
      });
    });
  }

  // The cpu kernel is the reference above; these pin it to the definition, on a strided case
  // with asymmetric padding, a pad wider than the filter, an odd kernel = stride case, strides
  // above the kernel size, and phases convolved separately.
  for (const i of [14, 16, 21, 23, 26, 27]) {
    const c = cases[i]!;
    it(`cpu and wasm agree with the direct sum ${label(c)}`, async () => {
      const random = new Random(17 + i);
      const dy = normals(random, size(dyShape(c)));
      const w = normals(random, size(c.filter));
      await expectNoLeaks(async () => {
        expectCloseScaled(await inputGrad('cpu', c, dy, w), directInputGrad(c, dy, w));
        expectCloseScaled(await inputGrad('wasm', c, dy, w), directInputGrad(c, dy, w));
      });
    });
  }

  const transposeCases: Array<{ x: Shape4; filter: Shape4; out: Shape4; s: number; pad: Pad }> = [
    { x: [3, 4, 4, 3], filter: [2, 2, 2, 3], out: [3, 8, 8, 2], s: 2, pad: 'valid' },
    { x: [1, 3, 4, 3], filter: [2, 2, 1, 3], out: [1, 6, 8, 1], s: 2, pad: 'same' },
    { x: [3, 3, 4, 1], filter: [3, 3, 3, 1], out: [3, 5, 7, 3], s: 2, pad: 'same' },
    { x: [1, 3, 3, 3], filter: [4, 4, 2, 3], out: [1, 6, 6, 2], s: 2, pad: 'same' },
  ];
  for (const [i, t] of transposeCases.entries()) {
    const name = `x=[${t.x}] filter=[${t.filter}] out=[${t.out}] s=${t.s} pad=${t.pad}`;
    it(`tf.conv2dTranspose matches cpu ${name}`, async () => {
      const random = new Random(400 + i);
      const xv = normals(random, size(t.x));
      const wv = normals(random, size(t.filter));
      const run = async (backend: string) => {
        await useBackend(backend);
        return tf.tidy(() => {
          const y = tf.conv2dTranspose(
            tf.tensor4d(xv, t.x),
            tf.tensor4d(wv, t.filter),
            t.out,
            t.s,
            t.pad as 'same' | 'valid',
          );
          expect(y.shape).toEqual(t.out);
          return y.dataSync() as Float32Array;
        });
      };
      await expectNoLeaks(async () => {
        const expected = await run('cpu');
        expectCloseScaled(await run('wasm'), expected);
      });
    });
  }

  const gradName =
    'conv2d(s2 pad1)+leakyRelu+conv2dTranspose(k2 s2) x=[2,7,5,3] w1=[3,3,3,4] w2=[2,2,2,4]';
  it(`tf.grads matches cpu ${gradName}`, async () => {
    const random = new Random(12);
    const xv = normals(random, 2 * 7 * 5 * 3);
    const w1v = normals(random, 3 * 3 * 3 * 4);
    const w2v = normals(random, 2 * 2 * 2 * 4);
    const gv = normals(random, 2 * 8 * 6 * 2);
    const grads = async (backend: string) => {
      await useBackend(backend);
      return tf.tidy(() => {
        const x = tf.tensor4d(xv, [2, 7, 5, 3]);
        const w1 = tf.tensor4d(w1v, [3, 3, 3, 4]);
        const w2 = tf.tensor4d(w2v, [2, 2, 2, 4]);
        // Weighted and squared, so that dy differs from element to element and the gradients
        // depend on the transposed convolution's forward values.
        const weights = tf.tensor4d(gv, [2, 8, 6, 2]);
        const f = (a: tf.Tensor, b: tf.Tensor, c: tf.Tensor) => {
          const h = tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, 2, 1);
          const g = tf.leakyRelu(h, 0.2);
          const y = tf.conv2dTranspose(g, c as tf.Tensor4D, [2, 8, 6, 2], 2, 'valid');
          return tf.sum(tf.mul(tf.square(y), weights));
        };
        return tf
          .grads(f)([x, w1, w2])
          .map((g) => g.dataSync() as Float32Array);
      });
    };
    await expectNoLeaks(async () => {
      const expected = await grads('cpu');
      const actual = await grads('wasm');
      for (let i = 0; i < 3; i++) expectCloseScaled(actual[i]!, expected[i]!);
    });
  });

  it('rejects NCHW and a dy of the wrong shape x=[1,5,7,3] filter=[3,3,3,2]', async () => {
    await useBackend('wasm');
    await expectNoLeaks(() => {
      tf.tidy(() => {
        const filter = tf.zeros([3, 3, 3, 2]);
        const attrs = { strides: 1, pad: 'same', dataFormat: 'NHWC', inputShape: [1, 5, 7, 3] };
        const run = (dy: tf.Tensor, a: object) => () =>
          tf.engine().runKernel('Conv2DBackpropInput', { dy, filter }, a as never);
        expect(run(tf.zeros([1, 5, 6, 2]), attrs)).toThrow(/expected dy of shape \[1, 5, 7, 2\]/);
        expect(run(tf.zeros([1, 5, 7, 2]), { ...attrs, dataFormat: 'NCHW' })).toThrow(/NHWC/);
      });
    });
  });

  const leakCases: Array<[string, Case]> = [
    ['phases in one convolution', cases[1]!],
    ['one convolution per phase', cases[26]!],
    ['one matrix product', cases[17]!],
    ['cropped output', cases[16]!],
    ['phases without taps', cases[27]!],
  ];
  for (const [path, c] of leakCases) {
    it(`frees its intermediates and keeps the heap (${path}) ${label(c)}`, async () => {
      await useBackend('wasm');
      const random = new Random(5);
      const dy = tf.tensor4d(normals(random, size(dyShape(c))), dyShape(c));
      const filter = tf.tensor4d(normals(random, size(c.filter)), c.filter);
      const once = () => {
        const inputs = { dy, filter };
        const out = tf.engine().runKernel('Conv2DBackpropInput', inputs, attrsOf(c) as never);
        (out as tf.Tensor).dispose();
      };
      // tf.memory() counts only what the engine sees; the backend's own count also sees the
      // intermediates a kernel makes inside itself.
      const usage = () => ({
        ...tf.memory(),
        backendDataIds: tf.backend().numDataIds(),
        heap: (tf.backend() as unknown as { wasm: { HEAPU8: Uint8Array } }).wasm.HEAPU8.length,
      });
      once(); // the first call may grow the heap once
      const before = usage();
      for (let i = 0; i < 30; i++) once();
      expect(usage()).toEqual(before);
      dy.dispose();
      filter.dispose();
    });
  }
});
