import { tf } from '../tf.js';
import type { GanLoss } from './ganLoss.js';

/**
 * The standard GAN loss with G's non-saturating form (Goodfellow et al. 2014), on logits:
 * D minimises softplus(-D(x)) + softplus(D(G(z))), i.e. -log sigmoid(D(x)) - log(1 -
 * sigmoid(D(G(z)))); G minimises softplus(-D(G(z))). softplus keeps both finite for any logit.
 */
export const nonSaturatingLoss: GanLoss = {
  name: 'ns',
  discriminator: (realLogits, fakeLogits) =>
    tf.tidy(() =>
      tf.add(tf.mean(tf.softplus(tf.neg(realLogits))), tf.mean(tf.softplus(fakeLogits))),
    ),
  generator: (fakeLogits) => tf.tidy(() => tf.mean(tf.softplus(tf.neg(fakeLogits)))),
};
