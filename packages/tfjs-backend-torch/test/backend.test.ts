import { describe, expect, it } from 'vitest';
import { tf } from '../../../src/tf.js';
import { expectClose, expectNoLeaks } from '../../../test/helpers.js';
import {
  LEAKY_RELU_GRAD,
  getFallbackCounts,
  getTorchThreads,
  numNativeTensors,
  registerCpuFallbackKernels,
  setTorchThreads,
  symmetricEigen,
} from '../src/index.js';
import { requireTorch, torchSkipped, uniform } from './parity.js';

function step(w: tf.Variable, x: tf.Tensor4D): void {
  // A small D-like step: conv, leaky ReLU, batch statistics, dense, gradient penalty.
  const opt = tf.train.adam(1e-3);
  const loss = () =>
    tf.tidy(() => {
      const f = (v: tf.Tensor) => {
        const h = tf.leakyRelu(
          tf.conv2d(v as tf.Tensor4D, w as unknown as tf.Tensor4D, 2, 'same'),
          0.2,
        );
        const m = tf.moments(h, [0, 1, 2]);
        return tf.sum(tf.softplus(tf.div(tf.sub(h, m.mean), tf.sqrt(tf.add(m.variance, 1e-5)))));
      };
      const g = tf.grad(f)(x);
      return tf.add(f(x), tf.mean(tf.square(g))) as tf.Scalar;
    });
  opt.minimize(loss);
  opt.dispose();
}

describe.skipIf(torchSkipped)('torch backend contract', () => {
  requireTorch();

  it('write/read/readSync round trip float32 [2,3], int32 [4], bool [3], scalar, empty', async () => {
    await tf.setBackend('torch');
    await expectNoLeaks(async () => {
      const f = tf.tensor([1.5, -2, 3, 4, 5, 6], [2, 3]);
      expect(Array.from(await f.data())).toEqual([1.5, -2, 3, 4, 5, 6]);
      const i = tf.tensor([1, -2, 2147483647, 0], [4], 'int32');
      expect(Array.from(i.dataSync())).toEqual([1, -2, 2147483647, 0]);
      const b = tf.tensor([true, false, true], [3], 'bool');
      expect(b.dataSync()).toBeInstanceOf(Uint8Array);
      expect(Array.from(b.dataSync())).toEqual([1, 0, 1]);
      const s = tf.scalar(7);
      expect(Array.from(s.dataSync())).toEqual([7]);
      const e = tf.zeros([0, 3]);
      expect(e.dataSync().length).toBe(0);
      tf.dispose([f, i, b, s, e]);
    });
  });

  it('string tensors are refused with a message naming the dtype', async () => {
    await tf.setBackend('torch');
    expect(() => tf.tensor(['a'])).toThrow(/dtype string is not supported/);
  });

  it('reshape gives a new data id; both free independently; clone shares by refcount', async () => {
    await tf.setBackend('torch');
    const native = numNativeTensors();
    const x = tf.tensor([1, 2, 3, 4], [2, 2]);
    const r = tf.reshape(x, [4]);
    expect(r.dataId).not.toBe(x.dataId);
    x.dispose();
    expect(Array.from(r.dataSync())).toEqual([1, 2, 3, 4]);
    const c = tf.clone(r);
    expect(c.dataId).toBe(r.dataId);
    r.dispose();
    expect(Array.from(c.dataSync())).toEqual([1, 2, 3, 4]);
    c.dispose();
    expect(numNativeTensors()).toBe(native);
  });

  it('memory() reports numNativeTensors equal to the backend data ids', async () => {
    await tf.setBackend('torch');
    const backend = tf.backend();
    const x = tf.ones([3, 3]);
    const mem = tf.memory() as tf.MemoryInfo & {
      numNativeTensors: number;
      numBytesInTorch: number;
    };
    expect(mem.numNativeTensors).toBe(backend.numDataIds());
    expect(mem.numBytesInTorch).toBeGreaterThanOrEqual(36);
    x.dispose();
  });

  it('tensors move between cpu and torch with their values', async () => {
    await tf.setBackend('cpu');
    const x = tf.tensor([1, 2, 3]);
    await tf.setBackend('torch');
    const y = tf.mul(x, 2);
    expect(Array.from(y.dataSync())).toEqual([2, 4, 6]);
    tf.dispose([x, y]);
  });

  it('native errors become JS errors naming the kernel', async () => {
    await tf.setBackend('torch');
    const x = tf.ones([2, 3]);
    const y = tf.ones([4, 5]);
    expect(() => tf.matMul(x, y)).toThrow();
    const t = tf.backend() as unknown as { run1(k: string, i: unknown[], a: object): unknown };
    expect(() => t.run1('Reshape', [x], { shape: [7] })).toThrow(/^Reshape: /);
    tf.dispose([x, y]);
  });

  it('tensor and native counts stay flat over 6 training steps x=[2,8,8,3]', async () => {
    await tf.setBackend('torch');
    const x = tf.tensor(uniform(9, 2 * 8 * 8 * 3), [2, 8, 8, 3]) as tf.Tensor4D;
    const w = tf.variable(tf.tensor(uniform(10, 3 * 3 * 3 * 4), [3, 3, 3, 4]));
    step(w, x);
    const tensors = tf.memory().numTensors;
    const native = numNativeTensors();
    for (let i = 0; i < 5; i++) step(w, x);
    expect(tf.memory().numTensors).toBe(tensors);
    expect(numNativeTensors()).toBe(native);
    tf.dispose([x, w]);
  });

  it('leakyRelu gradient runs the fused kernel on torch and matches the formula', async () => {
    await tf.setBackend('torch');
    const x = tf.tensor([-2, -0.5, 0, 0.5, 2]);
    const profile = await tf.profile(() =>
      tf.grad((v: tf.Tensor) => tf.sum(tf.leakyRelu(v, 0.1)))(x),
    );
    expect(profile.kernelNames).toContain(LEAKY_RELU_GRAD);
    expect(profile.kernelNames).not.toContain('Select');
    const g = tf.grad((v: tf.Tensor) => tf.sum(tf.leakyRelu(v, 0.1)))(x);
    // Hand values: 1 where x > 0, alpha elsewhere (x = 0 included, as in tfjs).
    expectClose(g.dataSync(), [0.1, 0.1, 0.1, 1, 1]);
    tf.dispose([x, g, profile.result as tf.Tensor]);
  });

  it('unimplemented kernels fall back to cpu and are counted: cumsum x=[4]', async () => {
    await tf.setBackend('torch');
    const before = getFallbackCounts().Cumsum ?? 0;
    await expectNoLeaks(() => {
      const x = tf.tensor([1, 2, 3, 4]);
      const y = tf.cumsum(x);
      expect(Array.from(y.dataSync())).toEqual([1, 3, 6, 10]);
      tf.dispose([x, y]);
    });
    expect(getFallbackCounts().Cumsum).toBe(before + 1);
  });

  it('registerCpuFallbackKernels leaves kernels the target has and fills the rest', () => {
    const added = registerCpuFallbackKernels('torch');
    expect(added).toEqual([]);
    expect(tf.getKernel('Conv2D', 'torch')).toBeDefined();
  });

  it('setTorchThreads validates and applies the count', () => {
    const n = getTorchThreads();
    setTorchThreads(1);
    expect(getTorchThreads()).toBe(1);
    setTorchThreads(n);
    expect(() => setTorchThreads(0)).toThrow(/^setTorchThreads: expected a positive integer/);
  });

  it('symmetricEigen of [[2,1],[1,2]] and a 3x3 diagonal', () => {
    const { eigenvalues, eigenvectors } = symmetricEigen(new Float64Array([2, 1, 1, 2]), 2);
    expectClose(eigenvalues, [1, 3], { rtol: 1e-12, atol: 1e-12 });
    // Column i is eigenvector i: [1,-1]/sqrt2 and [1,1]/sqrt2 up to sign.
    const s = Math.SQRT1_2;
    expectClose(
      [Math.abs(eigenvectors[0] as number), Math.abs(eigenvectors[2] as number)],
      [s, s],
      { rtol: 1e-12 },
    );
    expect((eigenvectors[0] as number) * (eigenvectors[2] as number)).toBeLessThan(0);
    expect((eigenvectors[1] as number) * (eigenvectors[3] as number)).toBeGreaterThan(0);
    const d = symmetricEigen(new Float64Array([5, 0, 0, 0, -1, 0, 0, 0, 2]), 3);
    expectClose(d.eigenvalues, [-1, 2, 5], { rtol: 1e-12 });
    expect(() => symmetricEigen(new Float64Array(3), 2)).toThrow(/^symmetricEigen: expected 2 x 2/);
  });
});
