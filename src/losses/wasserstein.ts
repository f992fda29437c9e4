import { tf } from '../tf.js';
import type { GanLoss } from './ganLoss.js';

/**
 * WGAN with gradient penalty (Gulrajani et al. 2017): the critic minimises D(G(z)) - D(x) +
 * lambda * E[(||grad D(x_hat)||_2 - 1)^2] on random interpolates x_hat; G minimises -D(G(z)).
 * The penalty is added by the DAG objective (see `gradientPenalty.ts`), once per head.
 */
export function wassersteinLoss(penaltyWeight = 10): GanLoss {
  return {
    name: 'wgan-gp',
    gradientPenalty: penaltyWeight,
    discriminator: (realLogits, fakeLogits) =>
      tf.tidy(() => tf.sub(tf.mean(fakeLogits), tf.mean(realLogits))),
    generator: (fakeLogits) => tf.tidy(() => tf.neg(tf.mean(fakeLogits))),
  };
}
