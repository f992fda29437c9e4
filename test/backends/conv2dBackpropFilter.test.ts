import { beforeAll, describe, expect, it } from 'vitest';
import { tf } from '../../src/tf.js';
import { Random } from '../../src/random/random.js';
import { registerWasmKernels } from '../../src/backends/wasm/registerWasmKernels.js';
import { expectCloseToLargest, expectNoLeaks, useBackend } from '../helpers.js';

type Shape4 = [number, number, number, number];
type Pad = 'same' | 'valid' | number | tf.backend_util.ExplicitPadding;

interface Case {
  x: Shape4;
  filter: Shape4;
  strides: number | [number, number];
  pad: Pad;
  dilations?: number | [number, number];
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

function outShape(c: Case): Shape4 {
  const info = tf.backend_util.computeConv2DInfo(
    c.x,
    c.filter,
    c.strides,
    c.dilations ?? 1,
    c.pad,
    c.dimRoundingMode,
  );
  return [info.batchSize, info.outHeight, info.outWidth, c.filter[3]];
}

/** Runs Conv2DBackpropFilter on one backend and returns its values. */
async function filterGrad(backend: string, c: Case, x: Float32Array, dy: Float32Array) {
  await useBackend(backend);
  return tf.tidy(() => {
    const attrs = {
      strides: c.strides,
      pad: c.pad,
      dataFormat: 'NHWC',
      dimRoundingMode: c.dimRoundingMode,
      filterShape: c.filter,
      dilations: c.dilations,
    };
    const inputs = { x: tf.tensor4d(x, c.x), dy: tf.tensor4d(dy, outShape(c)) };
    const out = tf.engine().runKernel('Conv2DBackpropFilter', inputs, attrs as never) as tf.Tensor;
    expect(out.shape).toEqual(c.filter);
    return out.dataSync() as Float32Array;
  });
}

/**
 * Direct float64 sum from the definition, dilation included:
 * dW[fh, fw, ci, co] = sum over b, oh, ow of x[b, oh*sh + fh*dh - top, ow*sw + fw*dw - left, ci]
 * * dy[b, oh, ow, co], with x zero outside its bounds.
 */
function directFilterGrad(c: Case, x: Float32Array, dy: Float32Array): Float64Array {
  const info = tf.backend_util.computeConv2DInfo(
    c.x,
    c.filter,
    c.strides,
    c.dilations ?? 1,
    c.pad,
    c.dimRoundingMode,
  );
  const [batch, inH, inW, inC] = c.x;
  const [fH, fW, , outC] = c.filter;
  const { outHeight: oH, outWidth: oW, strideHeight: sh, strideWidth: sw } = info;
  const { dilationHeight: dh, dilationWidth: dw } = info;
  const { top, left } = info.padInfo;
  const out = new Float64Array(fH * fW * inC * outC);
  for (let fh = 0; fh < fH; fh++)
    for (let fw = 0; fw < fW; fw++)
      for (let ci = 0; ci < inC; ci++)
        for (let co = 0; co < outC; co++) {
          let s = 0;
          for (let b = 0; b < batch; b++)
            for (let oh = 0; oh < oH; oh++)
              for (let ow = 0; ow < oW; ow++) {
                const h = oh * sh + fh * dh - top;
                const w = ow * sw + fw * dw - left;
                if (h < 0 || h >= inH || w < 0 || w >= inW) continue;
                const xv = x[((b * inH + h) * inW + w) * inC + ci]!;
                s += xv * dy[((b * oH + oh) * oW + ow) * outC + co]!;
              }
          out[((fh * fW + fw) * inC + ci) * outC + co] = s;
        }
  return out;
}

function label(c: Case): string {
  const pad = typeof c.pad === 'object' ? JSON.stringify(c.pad) : String(c.pad);
  return (
    `x=[${c.x}] filter=[${c.filter}] strides=${JSON.stringify(c.strides)} pad=${pad}` +
    (c.dilations ? ` dilations=${JSON.stringify(c.dilations)}` : '') +
    (c.dimRoundingMode ? ` rounding=${c.dimRoundingMode}` : '')
  );
}

// Both sides are float32 sums of up to ~300 products taken in different orders. Their error
// scales with the sum of the terms' magnitudes, not with the result, so an element that
// cancels to near zero can miss 1e-5 relative (measured up to 3e-5); hence, on top of
// rtol 1e-5, an absolute slack of 2e-6 of the largest element (measured differences stay
// below 6e-7 of it).
const expectCloseScaled = (actual: ArrayLike<number>, expected: ArrayLike<number>) =>
  expectCloseToLargest(actual, expected, { rtol: 1e-5, fraction: 2e-6 });

const cpuCases: Case[] = [
  { x: [1, 5, 7, 1], filter: [3, 3, 1, 2], strides: 1, pad: 'same' },
  { x: [3, 5, 7, 3], filter: [3, 3, 3, 4], strides: 2, pad: 'same' },
  { x: [1, 5, 7, 3], filter: [3, 3, 3, 2], strides: 1, pad: 'valid' },
  { x: [3, 5, 7, 3], filter: [3, 3, 3, 2], strides: 2, pad: 'valid' },
  { x: [1, 5, 7, 3], filter: [4, 4, 3, 2], strides: 2, pad: 'valid' },
  { x: [3, 5, 7, 1], filter: [4, 4, 1, 3], strides: 1, pad: 'same' },
  { x: [3, 5, 7, 3], filter: [4, 4, 3, 2], strides: 2, pad: 'same' },
  { x: [3, 5, 7, 1], filter: [1, 1, 1, 3], strides: 1, pad: 'valid' },
  { x: [3, 5, 7, 3], filter: [1, 1, 3, 2], strides: 2, pad: 'same' },
  { x: [1, 5, 7, 3], filter: [3, 3, 3, 2], strides: [1, 2], pad: 'same' },
  { x: [3, 5, 7, 3], filter: [3, 3, 3, 2], strides: 2, pad: 1 },
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
  // 'ceil' makes the last window overhang the padded input; the overhang reads as zeros.
  { x: [1, 6, 8, 3], filter: [3, 3, 3, 2], strides: 2, pad: 0, dimRoundingMode: 'ceil' },
];

// tfjs's Conv2D gradient refuses dilations and its Conv2DBackpropFilter has no such attribute,
// so the cpu kernel cannot serve as reference here; the direct sum does.
const dilatedCases: Case[] = [
  { x: [1, 5, 7, 1], filter: [3, 3, 1, 2], strides: 1, pad: 'same', dilations: 2 },
  { x: [3, 5, 7, 3], filter: [2, 2, 3, 2], strides: 1, pad: 'valid', dilations: 2 },
  {
    x: [3, 5, 7, 3],
    filter: [3, 3, 3, 2],
    strides: 1,
    pad: [
      [0, 0],
      [1, 1],
      [2, 0],
      [0, 0],
    ],
    dilations: 2,
  },
  { x: [1, 5, 7, 3], filter: [3, 2, 3, 2], strides: 1, pad: 'same', dilations: [1, 2] },
  // tfjs's conv2d op forbids strides and dilations both above 1; the kernel itself copes.
  { x: [3, 5, 7, 3], filter: [2, 2, 3, 2], strides: 2, pad: 'same', dilations: 2 },
];

describe('Conv2DBackpropFilter on wasm', () => {
  beforeAll(async () => {
    await registerWasmKernels();
    await useBackend('cpu');
    await useBackend('wasm');
  });

  for (const [i, c] of cpuCases.entries()) {
    it(`matches cpu ${label(c)}`, async () => {
      const random = new Random(100 + i);
      const x = normals(random, size(c.x));
      const dy = normals(random, size(outShape(c)));
      await expectNoLeaks(async () => {
        const expected = await filterGrad('cpu', c, x, dy);
        const actual = await filterGrad('wasm', c, x, dy);
        expectCloseScaled(actual, expected);
      });
    });
  }

  it('direct sum agrees with cpu x=[3,5,7,3] filter=[4,4,3,2] strides=2 pad=same', async () => {
    const c = cpuCases[6]!;
    const random = new Random(7);
    const x = normals(random, size(c.x));
    const dy = normals(random, size(outShape(c)));
    await expectNoLeaks(async () => {
      expectCloseScaled(await filterGrad('cpu', c, x, dy), directFilterGrad(c, x, dy));
    });
  });

  for (const [i, c] of dilatedCases.entries()) {
    it(`matches the direct sum ${label(c)}`, async () => {
      const random = new Random(200 + i);
      const x = normals(random, size(c.x));
      const dy = normals(random, size(outShape(c)));
      await expectNoLeaks(async () => {
        expectCloseScaled(await filterGrad('wasm', c, x, dy), directFilterGrad(c, x, dy));
      });
    });
  }

  it('rejects NCHW and a dy of the wrong shape x=[1,5,7,3] filter=[3,3,3,2]', async () => {
    await useBackend('wasm');
    await expectNoLeaks(() => {
      tf.tidy(() => {
        const x = tf.zeros([1, 5, 7, 3]);
        const attrs = { strides: 1, pad: 'same', dataFormat: 'NHWC', filterShape: [3, 3, 3, 2] };
        const run = (dy: tf.Tensor, a: object) => () =>
          tf.engine().runKernel('Conv2DBackpropFilter', { x, dy }, a as never);
        expect(run(tf.zeros([1, 5, 6, 2]), attrs)).toThrow(/expected dy of shape \[1, 5, 7, 2\]/);
        expect(run(tf.zeros([1, 5, 7, 2]), { ...attrs, dataFormat: 'NCHW' })).toThrow(/NHWC/);
      });
    });
  });

  it('tf.grads of conv2d+leakyRelu+conv2d(s2) x=[2,7,5,3] w1=[3,3,3,4] w2=[4,4,4,2]', async () => {
    const random = new Random(11);
    const xv = normals(random, 2 * 7 * 5 * 3);
    const w1v = normals(random, 3 * 3 * 3 * 4);
    const w2v = normals(random, 4 * 4 * 4 * 2);
    const grads = async (backend: string) => {
      await useBackend(backend);
      return tf.tidy(() => {
        const x = tf.tensor4d(xv, [2, 7, 5, 3]);
        const w1 = tf.tensor4d(w1v, [3, 3, 3, 4]);
        const w2 = tf.tensor4d(w2v, [4, 4, 4, 2]);
        const f = (a: tf.Tensor, b: tf.Tensor, c: tf.Tensor) => {
          const h = tf.leakyRelu(tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, 1, 'same'), 0.2);
          return tf.sum(tf.conv2d(h, c as tf.Tensor4D, 2, 'same'));
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

  it('frees its intermediates and keeps the heap x=[3,5,7,3] filter=[4,4,3,2]', async () => {
    await useBackend('wasm');
    const c = cpuCases[6]!;
    const random = new Random(5);
    const x = tf.tensor4d(normals(random, size(c.x)), c.x);
    const dy = tf.tensor4d(normals(random, size(outShape(c))), outShape(c));
    const attrs = { strides: c.strides, pad: c.pad, dataFormat: 'NHWC', filterShape: c.filter };
    const once = () => {
      const out = tf.engine().runKernel('Conv2DBackpropFilter', { x, dy }, attrs as never);
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
    const after = usage();
    expect(after).toEqual(before);
    x.dispose();
    dy.dispose();
  });
});
