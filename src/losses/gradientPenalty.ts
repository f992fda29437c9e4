import { tf } from '../tf.js';

/**
 * WGAN-GP's penalty E[(||grad_x f(x_hat)||_2 - 1)^2] on interpolates x_hat = e * real + (1 - e)
 * * fake, with e uniform per sample (given as `mix`, `[batch]`, so the caller's generator draws
 * it). `logits` maps a batch to one logit per sample; samples must not interact inside it (no
 * batch statistics), so the gradient of the sum gives every sample its own gradient.
 *
 * The result is differentiated again with respect to D's weights, which is why the comparison
 * kernels behind leakyRelu's gradient get (zero) gradients in `src/tf.ts`.
 *
 * `groups` splits the batch into that many equal chunks (views of one policy stacked along the
 * batch axis) and returns the penalty of each chunk, `[groups]`, so each head is penalised on
 * its own view as the reference does.
 */
export function gradientPenalty(
  logits: (x: tf.Tensor4D) => tf.Tensor,
  real: tf.Tensor4D,
  fake: tf.Tensor4D,
  mix: tf.Tensor1D,
  groups = 1,
): tf.Tensor1D {
  return tf.tidy(() => {
    const [batch] = real.shape;
    if (batch % groups !== 0) {
      throw new Error(`gradientPenalty: batch ${batch} is not divisible into ${groups} groups`);
    }
    const e = tf.reshape(mix, [batch, 1, 1, 1]);
    const interpolates = tf.add(tf.mul(e, real), tf.mul(tf.sub(1, e), fake)) as tf.Tensor4D;
    const gradient = tf.grad((x: tf.Tensor) => tf.sum(logits(x as tf.Tensor4D)))(interpolates);
    const flat = tf.reshape(gradient, [batch, -1]);
    // A tiny epsilon keeps the norm's own gradient finite where a gradient vanishes exactly.
    const norms = tf.sqrt(tf.add(tf.sum(tf.square(flat), 1), 1e-12));
    const perSample = tf.square(tf.sub(norms, 1));
    return tf.mean(tf.reshape(perSample, [groups, batch / groups]), 1) as tf.Tensor1D;
  });
}
