import { describe, it } from 'vitest';
import { tf } from '../../../src/tf.js';
import { gradParity, ints, parity, requireTorch, torchSkipped } from './parity.js';

describe.skipIf(torchSkipped)('reductions and layout kernels', () => {
  requireTorch();

  const REDUCTIONS: Array<
    [string, (x: tf.Tensor, axis?: number | number[], keep?: boolean) => tf.Tensor]
  > = [
    ['sum', tf.sum],
    ['mean', tf.mean],
    ['max', tf.max],
    ['min', tf.min],
    ['prod', tf.prod],
  ];
  const AXES: Array<number | number[] | undefined> = [undefined, 0, -1, [0, 2], []];
  for (const [name, op] of REDUCTIONS) {
    for (const axis of AXES) {
      for (const keep of [false, true]) {
        it(`${name} x=[3,4,5] axis=${JSON.stringify(axis)} keepDims=${keep}`, () =>
          // Reduction order differs (ATen vectorises), hence 1e-5 relative plus a small atol.
          parity((make) => op(make([3, 4, 5], 0.5, 1.5), axis, keep), { atol: 1e-5 }));
      }
    }
    it(`${name} x=[2,3] int32 axis=1`, () =>
      parity(() => op(tf.tensor(ints(3, 6, -4, 4), [2, 3], 'int32'), 1)));
  }
  it('sum x=[4] bool -> int32', () => parity(() => tf.sum(tf.tensor([1, 0, 1, 1], [4], 'bool'))));
  it('all/any x=[2,3] bool axis=1 and all', () =>
    parity(() => {
      const x = tf.tensor([1, 1, 0, 1, 1, 1], [2, 3], 'bool');
      return [tf.all(x, 1), tf.any(x, 1), tf.all(x), tf.any(tf.logicalNot(x), [0, 1], true)];
    }));
  for (const axis of [0, 1, -1]) {
    it(`argMax/argMin x=[3,4] axis=${axis} with ties`, () =>
      parity((make) => {
        const x = tf.round(tf.mul(make([3, 4]), 2));
        return [tf.argMax(x, axis), tf.argMin(x, axis)];
      }));
  }
  it('softmax x=[3,5] and logSoftmax', () =>
    parity((make) => [tf.softmax(make([3, 5], -4, 4)), tf.logSoftmax(make([3, 5], -4, 4))]));

  it('transpose x=[2,3,4] perm=[2,0,1], reshape, reshape of transpose', () =>
    parity((make) => {
      const x = make([2, 3, 4]);
      const t = tf.transpose(x, [2, 0, 1]);
      return [t, tf.reshape(x, [4, -1]), tf.reshape(t, [-1]), tf.reshape(make([]), [1, 1])];
    }));
  it('slice x=[4,5,6] begin=[1,0,2] size=[2,-1,3]', () =>
    parity((make) => tf.slice(make([4, 5, 6]), [1, 0, 2], [2, -1, 3])));
  const STRIDED: Array<[number[], number[], number[], number, number, number, number]> = [
    [[0, 1, 0], [4, 5, 6], [1, 2, 3], 0, 0, 0, 0],
    [[3, 4, 5], [0, 0, 0], [-1, -2, -1], 0, 0, 0, 0],
    [[1, 0, 0], [2, 5, 6], [1, 1, 1], 0, 0, 0, 1],
    [[0, 0], [0, 0], [1, -1], 1, 1, 0, 0],
    [[0, 0, 1], [0, 0, 5], [1, 1, 2], 0, 0, 2, 0],
  ];
  for (const [begin, end, strides, bm, em, nam, sam] of STRIDED) {
    it(`stridedSlice x=[4,5,6] begin=[${begin}] end=[${end}] strides=[${strides}] masks=${bm},${em},${nam},${sam}`, () =>
      parity((make) => tf.stridedSlice(make([4, 5, 6]), begin, end, strides, bm, em, 0, nam, sam)));
  }
  it('concat axis=1 of [2,3],[2,0],[2,2] and axis=0', () =>
    parity((make) => [
      tf.concat([make([2, 3]), make([2, 0]), make([2, 2])], 1),
      tf.concat([make([1, 3]), make([2, 3])], 0),
    ]));
  it('stack axis=1 / unstack axis=-1 of [2,3]', () =>
    parity((make) => [tf.stack([make([2, 3]), make([2, 3])], 1), ...tf.unstack(make([2, 3]), -1)]));
  it('split x=[4,6] sizes=[1,-1,2] axis=1 and 2 equal parts axis=0', () =>
    parity((make) => [...tf.split(make([4, 6]), [1, -1, 2], 1), ...tf.split(make([4, 6]), 2, 0)]));
  it('pad x=[2,3,1] paddings=[[1,0],[2,3],[0,1]] value=0.5', () =>
    parity((make) =>
      tf.pad(
        make([2, 3, 1]),
        [
          [1, 0],
          [2, 3],
          [0, 1],
        ],
        0.5,
      ),
    ));
  for (const mode of ['reflect', 'symmetric'] as const) {
    it(`mirrorPad x=[1,4,5,2] mode=${mode}`, () =>
      parity((make) =>
        tf.mirrorPad(
          make([1, 4, 5, 2]),
          [
            [0, 0],
            [2, 3],
            [1, 2],
            [0, 0],
          ],
          mode,
        ),
      ));
  }
  it('reverse x=[2,3,4] axis=[1,2] and rotation by transpose+reverse', () =>
    parity((make) => {
      const x = make([2, 3, 3, 1]);
      return [tf.reverse(make([2, 3, 4]), [1, 2]), tf.reverse(tf.transpose(x, [0, 2, 1, 3]), 2)];
    }));
  it('tile x=[2,3] reps=[2,1] and x=[2,1,2] reps=[1,3,2]', () =>
    parity((make) => [tf.tile(make([2, 3]), [2, 1]), tf.tile(make([2, 1, 2]), [1, 3, 2])]));
  it('gather x=[5,3] indices=[2,2] axis=0 and axis=1', () =>
    parity((make) => {
      const x = make([5, 3]);
      return [
        tf.gather(x, tf.tensor([4, 0, 2, 2], [2, 2], 'int32'), 0),
        tf.gather(x, tf.tensor([2, 0], [2], 'int32'), 1),
      ];
    }));
  it('gather batchDims=1 x=[2,4] indices=[2,2] (cpu fallback)', () =>
    parity((make) =>
      tf.gather(
        make([2, 4]),
        tf.tensor(
          [
            [1, 3],
            [0, 0],
          ],
          [2, 2],
          'int32',
        ),
        1,
        1,
      ),
    ));
  it('unsortedSegmentSum x=[5,3] ids=[5] numSegments=4 with an out-of-range id', () =>
    parity((make) =>
      tf.unsortedSegmentSum(make([5, 3]), tf.tensor([0, 3, 3, 1, 7], [5], 'int32'), 4),
    ));
  it('oneHot indices=[5] depth=4 on=2 off=-1 and a negative index', () =>
    parity(() => tf.oneHot(tf.tensor([0, 3, 1, -1, 2], [5], 'int32'), 4, 2, -1)));
  it('fill/zerosLike/onesLike/range', () =>
    parity((make) => [
      tf.fill([2, 3], 2.5),
      tf.fill([2], 3, 'int32'),
      tf.zerosLike(make([2, 2])),
      tf.onesLike(tf.tensor([1, 2], [2], 'int32')),
      tf.range(0, 1, 0.1),
      tf.range(5, -3, -2, 'int32'),
    ]));

  it('layout gradients: slice, concat, pad, transpose, tile, gather, reverse', () =>
    gradParity(
      [
        [3, 4],
        [3, 2],
      ],
      (a, b) => {
        const c = tf.concat([tf.slice(a, [0, 1], [3, 2]), b], 1);
        const p = tf.pad(tf.transpose(c), [
          [1, 0],
          [0, 2],
        ]);
        const g = tf.gather(tf.tile(p, [1, 2]), tf.tensor([0, 2, 2], [3], 'int32'), 0);
        return tf.sum(tf.reverse(g, 1), 0);
      },
    ));
  it('reduction gradients x=[3,4]', () =>
    gradParity([[3, 4]], (x) =>
      tf.addN([tf.sum(x, 1), tf.mean(x, 1), tf.max(x, 1), tf.min(x, 1), tf.sum(tf.softmax(x), 1)]),
    ));
});
