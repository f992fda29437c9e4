import { beforeAll, describe, expect, it } from 'vitest';
import { tf } from '../../src/tf.js';
import {
  ganLossByName,
  gradientPenalty,
  hingeLoss,
  leastSquaresLoss,
  nonSaturatingLoss,
  wassersteinLoss,
} from '../../src/losses/index.js';
import { expectClose, expectNoLeaks, useBackend } from '../helpers.js';

beforeAll(async () => useBackend('cpu'));

const real = [1.5, -0.5, 0.25];
const fake = [-2, 0.75, 0];
const softplus = (x: number) => Math.log1p(Math.exp(x));
const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;

function value(f: (r: tf.Tensor, g: tf.Tensor) => tf.Tensor): number {
  return tf.tidy(() => f(tf.tensor1d(real), tf.tensor1d(fake)).dataSync()[0] as number);
}

describe('GAN losses on logits r=[1.5,-0.5,0.25] f=[-2,0.75,0]', () => {
  it('ns: D softplus(-r)+softplus(f), G softplus(-f)', async () => {
    await expectNoLeaks(() => {
      const d = value((r, f) => nonSaturatingLoss.discriminator(r, f));
      const g = value((_, f) => nonSaturatingLoss.generator(f));
      expect(d).toBeCloseTo(mean(real.map((r) => softplus(-r))) + mean(fake.map(softplus)), 6);
      expect(g).toBeCloseTo(mean(fake.map((f) => softplus(-f))), 6);
    });
  });

  it('hinge: D relu(1-r)+relu(1+f), G -f', async () => {
    await expectNoLeaks(() => {
      const d = value((r, f) => hingeLoss.discriminator(r, f));
      // relu(1 - r) = [0, 1.5, 0.75]; relu(1 + f) = [0, 1.75, 1]
      expect(d).toBeCloseTo(0.75 + 2.75 / 3, 6);
      expect(value((_, f) => hingeLoss.generator(f))).toBeCloseTo(-mean(fake), 6);
    });
  });

  it('lsgan: D 1/2((r-1)^2+f^2), G 1/2(f-1)^2', async () => {
    await expectNoLeaks(() => {
      const d = value((r, f) => leastSquaresLoss.discriminator(r, f));
      const expected = 0.5 * (mean(real.map((r) => (r - 1) ** 2)) + mean(fake.map((f) => f * f)));
      expect(d).toBeCloseTo(expected, 6);
      const g = value((_, f) => leastSquaresLoss.generator(f));
      expect(g).toBeCloseTo(0.5 * mean(fake.map((f) => (f - 1) ** 2)), 6);
    });
  });

  it('wgan: D mean(f)-mean(r), G -mean(f), penalty weight kept', async () => {
    await expectNoLeaks(() => {
      const loss = wassersteinLoss(7);
      expect(loss.gradientPenalty).toBe(7);
      expect(value((r, f) => loss.discriminator(r, f))).toBeCloseTo(mean(fake) - mean(real), 6);
      expect(value((_, f) => loss.generator(f))).toBeCloseTo(-mean(fake), 6);
    });
  });

  it('ganLossByName rejects unknown names with the choices', () => {
    expect(() => ganLossByName('wgan')).toThrow(
      /--loss: unknown loss 'wgan'; choose one of ns, hinge/,
    );
  });
});

describe('gradientPenalty with a leaky-ReLU critic (double backprop)', () => {
  // Critic f(x) = sum_i a_i * leakyRelu(w_i * x_i, 0.2) on x = [batch, 1, 1, 3]: its input
  // gradient is a_i * w_i * (w_i x_i > 0 ? 1 : 0.2), so the penalty and its derivative with
  // respect to w are known in closed form.
  const alpha = 0.2;
  const a = [1.5, -0.7, 0.4];
  const w0 = [0.8, -1.2, 0.5];
  const realValues = [0.3, -0.4, 0.9, -0.6, 0.2, 0.1];
  const fakeValues = [-0.5, 0.7, 0.2, 0.4, -0.9, -0.3];
  const mix = [0.25, 0.6];

  function interpolate(): number[] {
    return realValues.map((r, i) => {
      const e = mix[Math.floor(i / 3)] as number;
      return e * r + (1 - e) * (fakeValues[i] as number);
    });
  }

  function closedForm(w: number[]): { penalty: number; gradW: number[] } {
    const x = interpolate();
    let penalty = 0;
    const gradW = [0, 0, 0];
    for (let b = 0; b < 2; b++) {
      const slopes = [0, 1, 2].map((i) =>
        (w[i] as number) * (x[b * 3 + i] as number) > 0 ? 1 : alpha,
      );
      const g = [0, 1, 2].map((i) => (a[i] as number) * (w[i] as number) * (slopes[i] as number));
      const norm = Math.sqrt(g.reduce((s, v) => s + v * v, 0));
      penalty += (norm - 1) ** 2 / 2;
      // d/dw_i (norm - 1)^2 = 2 (norm - 1) * g_i / norm * a_i * slope_i
      for (let i = 0; i < 3; i++) {
        gradW[i] =
          (gradW[i] as number) +
          (((2 * (norm - 1) * (g[i] as number)) / norm) *
            (a[i] as number) *
            (slopes[i] as number)) /
            2;
      }
    }
    return { penalty, gradW };
  }

  it('penalty and its gradient w.r.t. the weights match the closed form', async () => {
    const w = tf.variable(tf.tensor1d(w0));
    await expectNoLeaks(() => {
      const critic = (x: tf.Tensor4D) =>
        tf.sum(tf.mul(tf.leakyRelu(tf.mul(tf.reshape(x, [-1, 3]), w), alpha), tf.tensor1d(a)), 1);
      const real = tf.tensor4d(realValues, [2, 1, 1, 3]);
      const fake = tf.tensor4d(fakeValues, [2, 1, 1, 3]);
      const e = tf.tensor1d(mix);
      const { value, grads } = tf.variableGrads(
        () => tf.reshape(gradientPenalty(critic, real, fake, e), []) as tf.Scalar,
        [w],
      );
      const expected = closedForm(w0);
      expect(value.dataSync()[0]).toBeCloseTo(expected.penalty, 5);
      expectClose(grads[w.name]?.dataSync() ?? [], expected.gradW, { rtol: 1e-4, atol: 1e-5 });
      tf.dispose([value, grads, real, fake, e]);
    });
    w.dispose();
  });

  it('groups give one penalty per chunk', async () => {
    await expectNoLeaks(() => {
      const critic = (x: tf.Tensor4D) => tf.sum(tf.reshape(tf.mul(x, 2), [x.shape[0], -1]), 1);
      const real = tf.zeros([4, 1, 1, 2]) as tf.Tensor4D;
      const fake = tf.ones([4, 1, 1, 2]) as tf.Tensor4D;
      const e = tf.tensor1d([0.1, 0.2, 0.3, 0.4]);
      const gp = gradientPenalty(critic, real, fake, e, 2);
      // Gradient is 2 everywhere: norm sqrt(8), penalty (sqrt(8) - 1)^2 in each chunk.
      expectClose(gp.dataSync(), [(Math.sqrt(8) - 1) ** 2, (Math.sqrt(8) - 1) ** 2], {
        rtol: 1e-5,
      });
      expect(() => gradientPenalty(critic, real, fake, e, 3)).toThrow(/not divisible into 3/);
      tf.dispose([real, fake, e, gp]);
    });
  });
});
