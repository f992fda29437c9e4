import { describe, it } from 'vitest';
import { tf } from '../../../src/tf.js';
import { gradParity, ints, parity, requireTorch, torchSkipped } from './parity.js';

type Unary = (x: tf.Tensor) => tf.Tensor;

const UNARY: Array<[string, Unary, number, number]> = [
  ['neg', tf.neg, -3, 3],
  ['abs', tf.abs, -3, 3],
  ['exp', tf.exp, -3, 3],
  ['expm1', tf.expm1, -3, 3],
  ['log', tf.log, 0.01, 5],
  ['log1p', tf.log1p, -0.9, 5],
  ['sqrt', tf.sqrt, 0, 5],
  ['rsqrt', tf.rsqrt, 0.05, 5],
  ['square', tf.square, -3, 3],
  ['tanh', tf.tanh, -4, 4],
  ['sin', tf.sin, -4, 4],
  ['cos', tf.cos, -4, 4],
  ['erf', tf.erf, -3, 3],
  ['reciprocal', tf.reciprocal, 0.1, 3],
  ['sigmoid', tf.sigmoid, -8, 8],
  ['softplus', tf.softplus, -30, 30],
  ['relu', tf.relu, -3, 3],
  ['relu6', tf.relu6, -3, 9],
  ['elu', tf.elu, -3, 3],
  ['selu', tf.selu, -3, 3],
  ['sign', tf.sign, -3, 3],
  ['floor', tf.floor, -3, 3],
  ['ceil', tf.ceil, -3, 3],
  ['leakyRelu alpha=0.2', (x) => tf.leakyRelu(x, 0.2), -3, 3],
  ['step alpha=0.3', (x) => tf.step(x, 0.3), -3, 3],
  ['clipByValue [-0.5,0.7]', (x) => tf.clipByValue(x, -0.5, 0.7), -2, 2],
];

describe.skipIf(torchSkipped)('element-wise kernels', () => {
  requireTorch();

  for (const [name, op, lo, hi] of UNARY) {
    it(`${name} x=[3,5,7] float32`, () => parity((make) => op(make([3, 5, 7], lo, hi))));
  }

  it('round x=[9] halves go to even', () =>
    parity(() => tf.round(tf.tensor([-2.5, -1.5, -0.5, 0.5, 1.5, 2.5, 0.49, 3.7, -3.2]))));

  it('sign and relu keep tfjs NaN rules x=[4]', () =>
    parity(() => {
      const x = tf.tensor([NaN, -1, 0, 2]);
      return [tf.sign(x), tf.relu(x), tf.step(x, 0.5), tf.isNaN(x)];
    }));

  it('softplus at tfjs thresholds x=[6]', () =>
    parity(() => tf.softplus(tf.tensor([-15.95, -15.9, 15.9, 15.95, 0, -80]))));

  for (const [name, op] of [
    ['abs', tf.abs],
    ['neg', tf.neg],
    ['square', tf.square],
    ['sign', tf.sign],
    ['relu', tf.relu],
  ] as Array<[string, Unary]>) {
    it(`${name} x=[11] int32`, () =>
      parity(() => op(tf.tensor(ints(5, 11, -7, 7), [11], 'int32'))));
  }

  const BINARY: Array<[string, (a: tf.Tensor, b: tf.Tensor) => tf.Tensor]> = [
    ['add', tf.add],
    ['sub', tf.sub],
    ['mul', tf.mul],
    ['div', tf.div],
    ['floorDiv', tf.floorDiv],
    ['maximum', tf.maximum],
    ['minimum', tf.minimum],
    ['squaredDifference', tf.squaredDifference],
    ['mod', tf.mod],
    ['atan2', tf.atan2],
    ['equal', tf.equal],
    ['notEqual', tf.notEqual],
    ['greater', tf.greater],
    ['greaterEqual', tf.greaterEqual],
    ['less', tf.less],
    ['lessEqual', tf.lessEqual],
  ];
  const BROADCASTS: Array<[number[], number[]]> = [
    [
      [2, 3],
      [2, 3],
    ],
    [[2, 3], [3]],
    [
      [2, 1, 4],
      [3, 1],
    ],
    [[4], []],
    [[0, 3], [3]],
  ];
  for (const [name, op] of BINARY) {
    for (const [sa, sb] of BROADCASTS) {
      it(`${name} a=[${sa}] b=[${sb}] float32`, () =>
        parity((make) => {
          // Rounded inputs make equalities and floor boundaries occur.
          const a = tf.round(tf.mul(make(sa, -3, 3), 2));
          const b = tf.add(tf.round(make(sb, 0.5, 3)), tf.mul(make(sb, 0, 1), 0.25));
          return op(a, tf.mul(b, tf.sign(make(sb))));
        }));
    }
    it(`${name} a=[3,4] b=[4] int32`, () =>
      parity(() => {
        const a = tf.tensor(ints(1, 12, -9, 9), [3, 4], 'int32');
        const b = tf.tensor([3, -2, 4, -5], [4], 'int32');
        return op(a, b);
      }));
  }

  it('pow a=[2,3] b=[3] float32 and int32', () =>
    parity((make) => [
      tf.pow(make([2, 3], 0.1, 3), make([3], -2, 2)),
      tf.pow(tf.tensor([2, -3, 4, 5], [4], 'int32'), tf.tensor([3, 2, 0, 1], [4], 'int32')),
    ]));

  it('int32 division by zero x=[4]', () =>
    parity(() => {
      const a = tf.tensor([5, -5, 0, 7], [4], 'int32');
      const b = tf.tensor([0, 0, 0, 2], [4], 'int32');
      return [tf.floorDiv(a, b), tf.div(a, b)];
    }));

  it('logicalAnd/Or/Not a=[2,3] b=[3] bool', () =>
    parity(() => {
      const a = tf.tensor([1, 0, 1, 0, 0, 1], [2, 3], 'bool');
      const b = tf.tensor([1, 1, 0], [3], 'bool');
      return [tf.logicalAnd(a, b), tf.logicalOr(a, b), tf.logicalNot(a)];
    }));

  it('where cond=[2,3] t=[2,3] e=[3]', () =>
    parity((make) => tf.where(tf.greater(make([2, 3]), 0), make([2, 3]), make([3]))));

  it('cast float32->int32->bool x=[7]', () =>
    parity(() => {
      const x = tf.tensor([-2.7, -0.5, 0, 0.5, 2.7, 1e10, NaN]);
      return [tf.cast(x, 'int32'), tf.cast(x, 'bool'), tf.cast(tf.cast(x, 'bool'), 'float32')];
    }));

  it('prelu x=[2,3,4] alpha=[4]', () => parity((make) => tf.prelu(make([2, 3, 4]), make([4]))));
  it('addN 3 x [2,3]', () => parity((make) => tf.addN([make([2, 3]), make([2, 3]), make([2, 3])])));
  it('scalar add a=[] b=[]', () => parity((make) => tf.add(make([]), make([]))));

  for (const [name, op] of UNARY.slice(0, 24)) {
    it(`${name} gradient x=[2,5]`, () => gradParity([[2, 5]], op));
  }
  it('binary gradients a=[2,1,3] b=[4,1]', () =>
    gradParity(
      [
        [2, 1, 3],
        [4, 1],
      ],
      (a, b) =>
        // tfjs's own maximum gradient does not reduce broadcast dimensions, so it is not here.
        tf.addN([tf.mul(a, b), tf.div(a, tf.add(tf.abs(b), 1)), tf.sub(a, b)]),
    ));
  it('leakyRelu second derivative x=[3,4] alpha=0.2', () =>
    parity((make) => {
      const x = make([3, 4]);
      const w = make([3, 4]);
      const g = (v: tf.Tensor) =>
        tf.sum(
          tf.square(
            tf.grad((u: tf.Tensor) => tf.sum(tf.mul(tf.leakyRelu(tf.mul(u, w), 0.2), w)))(v),
          ),
        );
      return [tf.grad(g)(x), tf.grad((v: tf.Tensor) => g(x.mul(1)).add(tf.sum(v)))(w)];
    }));
});
