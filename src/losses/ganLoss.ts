import type { tf } from '../tf.js';

/** The name of a GAN loss, as given to `--loss`. */
export type GanLossName = 'ns' | 'hinge' | 'lsgan' | 'wgan-gp';

/**
 * A GAN objective written on D's logits. Both functions return a scalar that the respective
 * network minimises. `gradientPenalty` is set for losses that add one (WGAN-GP); the penalty
 * itself needs D and its inputs, so the DAG objective computes it per head.
 */
export interface GanLoss {
  readonly name: GanLossName;
  /** D's loss from logits on real `[batch]` and fake `[batch]` samples. */
  discriminator(realLogits: tf.Tensor, fakeLogits: tf.Tensor): tf.Tensor;
  /** G's loss from D's logits on fake samples `[batch]`. */
  generator(fakeLogits: tf.Tensor): tf.Tensor;
  /** Weight of the gradient penalty (lambda of WGAN-GP), when the loss has one. */
  readonly gradientPenalty?: number;
}
