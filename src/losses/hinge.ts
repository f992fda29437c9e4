import { tf } from '../tf.js';
import type { GanLoss } from './ganLoss.js';

/**
 * The hinge loss of SAGAN and BigGAN (the DAG BigGAN experiments use it): D minimises
 * relu(1 - D(x)) + relu(1 + D(G(z))); G minimises -D(G(z)).
 */
export const hingeLoss: GanLoss = {
  name: 'hinge',
  discriminator: (realLogits, fakeLogits) =>
    tf.tidy(() =>
      tf.add(tf.mean(tf.relu(tf.sub(1, realLogits))), tf.mean(tf.relu(tf.add(1, fakeLogits)))),
    ),
  generator: (fakeLogits) => tf.tidy(() => tf.neg(tf.mean(fakeLogits))),
};
