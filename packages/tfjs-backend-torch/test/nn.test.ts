import { describe, it } from 'vitest';
import { tf } from '../../../src/tf.js';
import { expectClose } from '../../../test/helpers.js';
import { gradParity, parity, requireTorch, torchSkipped, uniform } from './parity.js';

type Pad =
  | 'same'
  | 'valid'
  | number
  | [[number, number], [number, number], [number, number], [number, number]];

// Convolutions and products sum in a different order (ATen blocks its GEMMs), so their
// tolerance is 1e-5 relative with 1e-5 absolute for sums that cancel near zero.
const SUMS = { rtol: 1e-5, atol: 1e-5 };

const CONVS: Array<[number[], number[], number | [number, number], Pad, number]> = [
  [[2, 7, 7, 3], [3, 3, 3, 4], 1, 'same', 1],
  [[2, 7, 7, 3], [3, 3, 3, 4], 2, 'same', 1],
  [[1, 8, 6, 2], [4, 4, 2, 3], 2, 'same', 1],
  [[1, 7, 9, 2], [3, 2, 2, 3], [2, 3], 'valid', 1],
  [[1, 9, 9, 2], [3, 3, 2, 2], 1, 'same', 2],
  [[1, 6, 6, 1], [3, 3, 1, 2], 1, 1, 1],
  [
    [1, 6, 7, 2],
    [3, 3, 2, 2],
    2,
    [
      [0, 0],
      [1, 2],
      [0, 1],
      [0, 0],
    ],
    1,
  ],
];

describe.skipIf(torchSkipped)('convolution, product, pooling and resize kernels', () => {
  requireTorch();

  for (const [xs, fs, stride, pad, dil] of CONVS) {
    const tag = `x=[${xs}] filter=[${fs}] strides=${JSON.stringify(stride)} pad=${JSON.stringify(pad)} dilation=${dil}`;
    it(`conv2d ${tag}`, () =>
      parity(
        (make) =>
          tf.conv2d(make(xs) as tf.Tensor4D, make(fs) as tf.Tensor4D, stride, pad, 'NHWC', dil),
        SUMS,
      ));
    // tfjs has no conv2d gradient for dilations > 1.
    if (dil > 1) continue;
    it(`conv2d gradients ${tag}`, () =>
      gradParity(
        [xs, fs],
        (x, f) => tf.conv2d(x as tf.Tensor4D, f as tf.Tensor4D, stride, pad, 'NHWC', dil),
        SUMS,
      ));
  }
  for (const [xs, fs, stride, pad] of [
    [[2, 7, 7, 3], [3, 3, 3, 2], 1, 'same'],
    [[1, 8, 8, 2], [3, 3, 2, 3], 2, 'same'],
    [[1, 7, 7, 2], [2, 2, 2, 1], 2, 'valid'],
  ] as Array<[number[], number[], number, Pad]>) {
    const tag = `x=[${xs}] filter=[${fs}] strides=${stride} pad=${pad}`;
    it(`depthwiseConv2d ${tag}`, () =>
      parity(
        (make) =>
          tf.depthwiseConv2d(
            make(xs) as tf.Tensor4D,
            make(fs) as tf.Tensor4D,
            stride,
            pad as 'same',
          ),
        SUMS,
      ));
    it(`depthwiseConv2d gradients ${tag}`, () =>
      gradParity(
        [xs, fs],
        (x, f) => tf.depthwiseConv2d(x as tf.Tensor4D, f as tf.Tensor4D, stride, pad as 'same'),
        SUMS,
      ));
  }
  for (const [ys, fs, out, stride, pad] of [
    [[2, 4, 4, 3], [4, 4, 2, 3], [2, 8, 8, 2], 2, 'same'],
    [[1, 3, 3, 2], [3, 3, 1, 2], [1, 7, 7, 1], 2, 'valid'],
    [[1, 5, 5, 2], [3, 3, 2, 2], [1, 5, 5, 2], 1, 'same'],
  ] as Array<[number[], number[], number[], number, 'same' | 'valid']>) {
    const tag = `x=[${ys}] filter=[${fs}] out=[${out}] strides=${stride} pad=${pad}`;
    it(`conv2dTranspose ${tag}`, () =>
      parity(
        (make) =>
          tf.conv2dTranspose(
            make(ys) as tf.Tensor4D,
            make(fs) as tf.Tensor4D,
            out as [number, number, number, number],
            stride,
            pad,
          ),
        SUMS,
      ));
    it(`conv2dTranspose gradients ${tag}`, () =>
      gradParity(
        [ys, fs],
        (x, f) =>
          tf.conv2dTranspose(
            x as tf.Tensor4D,
            f as tf.Tensor4D,
            out as [number, number, number, number],
            stride,
            pad,
          ),
        SUMS,
      ));
  }
  for (const activation of [
    'linear',
    'relu',
    'relu6',
    'elu',
    'sigmoid',
    'leakyrelu',
    'prelu',
  ] as const) {
    it(`fused conv2d x=[1,6,6,2] filter=[3,3,2,3] bias=[3] activation=${activation}`, () =>
      parity(
        (make) =>
          tf.fused.conv2d({
            x: make([1, 6, 6, 2]) as tf.Tensor4D,
            filter: make([3, 3, 2, 3]) as tf.Tensor4D,
            strides: 1,
            pad: 'same',
            bias: make([3]),
            activation,
            preluActivationWeights: activation === 'prelu' ? make([3]) : undefined,
            leakyreluAlpha: 0.3,
          }),
        SUMS,
      ));
    it(`fused matMul a=[3,4] b=[4,5] bias=[5] activation=${activation}`, () =>
      parity(
        (make) =>
          tf.fused.matMul({
            a: make([3, 4]) as tf.Tensor2D,
            b: make([4, 5]) as tf.Tensor2D,
            bias: make([5]),
            activation,
            preluActivationWeights: activation === 'prelu' ? make([5]) : undefined,
            leakyreluAlpha: 0.3,
          }),
        SUMS,
      ));
  }
  for (const [as, bs, ta, tb] of [
    [[3, 4], [4, 5], false, false],
    [[4, 3], [4, 5], true, false],
    [[3, 4], [5, 4], false, true],
    [[2, 3, 4], [2, 4, 5], false, false],
    [[2, 4, 3], [1, 5, 4], true, true],
    [[0, 4], [4, 2], false, false],
  ] as Array<[number[], number[], boolean, boolean]>) {
    it(`matMul a=[${as}] b=[${bs}] transposeA=${ta} transposeB=${tb}`, () =>
      parity((make) => tf.matMul(make(as), make(bs), ta, tb), SUMS));
  }
  it('matMul gradients a=[2,3,4] b=[2,4,5]', () =>
    gradParity(
      [
        [2, 3, 4],
        [2, 4, 5],
      ],
      (a, b) => tf.matMul(a, b),
      SUMS,
    ));
  it('batchNorm x=[2,3,3,4] with mean/var/offset/scale=[4] and without offset', () =>
    parity((make) => {
      const x = make([2, 3, 3, 4]);
      const mean = make([4]);
      const variance = make([4], 0.1, 2);
      return [
        tf.batchNorm(x, mean, variance, make([4]), make([4]), 1e-3),
        tf.batchNorm(x, mean, variance, undefined, make([4]), 1e-3),
        tf.batchNorm(
          make([3, 4]),
          make([1, 4]),
          make([1, 4], 0.5, 1),
          make([1, 4]),
          make([1, 4]),
          1e-5,
        ),
      ];
    }));
  it('batchNorm gradients x=[2,2,2,3]', () =>
    gradParity(
      [[2, 2, 2, 3], [3], [3], [3]],
      (x, m, o, s) => tf.batchNorm(x, m, tf.add(tf.square(m), 0.5), o, s, 1e-3),
      SUMS,
    ));

  const POOLS: Array<
    [number[], number | [number, number], number | [number, number], 'same' | 'valid']
  > = [
    [[2, 6, 6, 2], 2, 2, 'valid'],
    [[1, 7, 7, 2], 3, 2, 'same'],
    [[1, 5, 8, 1], [2, 3], [1, 2], 'same'],
    [[1, 7, 5, 2], 3, 1, 'valid'],
  ];
  for (const [xs, size, stride, pad] of POOLS) {
    const tag = `x=[${xs}] filter=${JSON.stringify(size)} strides=${JSON.stringify(stride)} pad=${pad}`;
    it(`avgPool and maxPool ${tag}`, () =>
      parity((make) => {
        const x = make(xs) as tf.Tensor4D;
        return [tf.avgPool(x, size, stride, pad), tf.maxPool(x, size, stride, pad)];
      }));
    it(`avgPool and maxPool gradients ${tag}`, () =>
      gradParity([xs], (x) =>
        tf.add(
          tf.avgPool(x as tf.Tensor4D, size, stride, pad),
          tf.maxPool(x as tf.Tensor4D, size, stride, pad),
        ),
      ));
  }

  for (const [from, to] of [
    [
      [1, 4, 4, 2],
      [7, 7],
    ],
    [
      [2, 5, 3, 1],
      [3, 8],
    ],
    [
      [1, 6, 6, 1],
      [6, 6],
    ],
  ] as Array<[number[], [number, number]]>) {
    for (const [align, half] of [
      [false, false],
      [true, false],
      [false, true],
    ]) {
      const tag = `x=[${from}] size=[${to}] alignCorners=${align} halfPixelCenters=${half}`;
      it(`resizeBilinear and resizeNearestNeighbor ${tag}`, () =>
        parity((make) => {
          const x = make(from) as tf.Tensor4D;
          return [
            tf.image.resizeBilinear(x, to, align, half),
            tf.image.resizeNearestNeighbor(x, to, align, half),
          ];
        }));
      if (from[0] === 1 && !half) {
        it(`resizeNearestNeighbor gradient ${tag}`, () =>
          gradParity([from], (x) =>
            tf.image.resizeNearestNeighbor(x as tf.Tensor4D, to, align, half),
          ));
      }
      if (from[0] === 1 && half) {
        // tfjs's cpu gradient ignores halfPixelCenters, so it is not the adjoint of its own
        // forward; the native kernel is. Reference: <grad, e_k> = <w, resize(e_k)>, with the
        // cpu forward on every one-hot input.
        it(`resizeNearestNeighbor gradient ${tag}, adjoint of the cpu forward`, async () => {
          const size = from.reduce((p, v) => p * v, 1);
          const w = uniform(93, from[0]! * to[0] * to[1] * from[3]!);
          await tf.setBackend('cpu');
          const expected = tf.tidy(() => {
            const weights = tf.tensor(w);
            return Array.from({ length: size }, (_, k) => {
              const basis = tf.tensor4d(
                Float32Array.from({ length: size }, (_, j) => (j === k ? 1 : 0)),
                from as [number, number, number, number],
              );
              const y = tf.reshape(tf.image.resizeNearestNeighbor(basis, to, align, half), [-1]);
              return tf.sum(tf.mul(y, weights)).dataSync()[0] as number;
            });
          });
          await tf.setBackend('torch');
          const actual = tf.tidy(() => {
            const x = tf.tensor4d(uniform(94, size), from as [number, number, number, number]);
            const weights = tf.tensor(w, [from[0]!, to[0], to[1], from[3]!]);
            const g = tf.grad((v: tf.Tensor) =>
              tf.sum(
                tf.mul(tf.image.resizeNearestNeighbor(v as tf.Tensor4D, to, align, half), weights),
              ),
            )(x);
            return Array.from(g.dataSync());
          });
          expectClose(actual, expected, { rtol: 1e-5, atol: 1e-6 });
        });
      }
      // tfjs's bilinear gradient ignores halfPixelCenters; the kernel reproduces that.
      if (from[1] === from[2] && to[0] === to[1]) {
        it(`resizeBilinear gradient ${tag}`, () =>
          gradParity([from], (x) => tf.image.resizeBilinear(x as tf.Tensor4D, to, align, half)));
      }
    }
  }
  it('slice then resize gradient x=[2,6,6,1] crop 4x4 -> 6x6', () =>
    gradParity([[2, 6, 6, 1]], (x) =>
      tf.image.resizeBilinear(tf.slice(x, [0, 1, 1, 0], [2, 4, 4, 1]) as tf.Tensor4D, [6, 6]),
    ));

  // tfjs's cpu ResizeNearestNeighborGrad reads dy at the wrong batch offset when the batch has
  // more than one sample and the sizes differ, so the reference here is the cpu gradient of
  // each sample alone, concatenated.
  it('resizeNearestNeighbor gradient x=[3,6,7,2] crop -> [8,9], per-sample reference', async () => {
    const x = uniform(91, 3 * 6 * 7 * 2);
    const w = uniform(92, 3 * 8 * 9 * 2);
    const gradientOf = (images: tf.Tensor4D, weights: tf.Tensor) =>
      tf.grad((v: tf.Tensor) =>
        tf.sum(tf.mul(tf.image.resizeNearestNeighbor(v as tf.Tensor4D, [8, 9]), weights)),
      )(images);
    await tf.setBackend('cpu');
    const perSample = [0, 1, 2].map((b) =>
      tf.tidy(() => {
        const xb = tf.tensor4d(x.slice(b * 84, (b + 1) * 84), [1, 6, 7, 2]);
        const wb = tf.tensor4d(w.slice(b * 144, (b + 1) * 144), [1, 8, 9, 2]);
        return Array.from(gradientOf(xb, wb).dataSync());
      }),
    );
    await tf.setBackend('torch');
    const actual = tf.tidy(() =>
      Array.from(gradientOf(tf.tensor4d(x, [3, 6, 7, 2]), tf.tensor4d(w, [3, 8, 9, 2])).dataSync()),
    );
    expectClose(actual, perSample.flat(), { rtol: 1e-5, atol: 1e-6 });
  });
});
