import { tf } from '../tf.js';
import type { GanLoss } from './ganLoss.js';

/**
 * Least-squares GAN (Mao et al. 2017) with targets 1 for real and 0 for fake, as CycleGAN uses
 * it: D minimises 1/2 (D(x) - 1)^2 + 1/2 D(G(z))^2; G minimises 1/2 (D(G(z)) - 1)^2.
 */
export const leastSquaresLoss: GanLoss = {
  name: 'lsgan',
  discriminator: (realLogits, fakeLogits) =>
    tf.tidy(() =>
      tf.mul(
        0.5,
        tf.add(tf.mean(tf.square(tf.sub(realLogits, 1))), tf.mean(tf.square(fakeLogits))),
      ),
    ),
  generator: (fakeLogits) => tf.tidy(() => tf.mul(0.5, tf.mean(tf.square(tf.sub(fakeLogits, 1))))),
};
