import { tf } from '../tf.js';
import type { Random } from '../random/random.js';
import type { ObjectivePolicy } from './objectiveTypes.js';

/**
 * Plain augmentation, for the baselines DAG is compared with: each policy in turn replaces
 * every sample by one of its views, drawn per sample. A policy with a single augmented view
 * (translation, cutout, colour) always applies it, as DiffAugment does; a policy of several
 * views (rotation, cropping) draws uniformly among all of them, the identity included.
 *
 * Used on reals only, this teaches G the augmented distribution (the leak the DAG paper argues
 * against); used on reals and fakes alike with differentiable views, it is DiffAugment.
 */
export function applyRandomView(
  images: tf.Tensor4D,
  policies: readonly ObjectivePolicy[],
  random: Random,
): tf.Tensor4D {
  return tf.tidy(() => {
    let x = images;
    const batch = images.shape[0];
    for (const policy of policies) {
      const augmented = policy.views.filter((view) => !view.isIdentity);
      const candidates = augmented.length === 1 ? augmented : policy.views;
      if (candidates.length === 0) continue;
      const choice = Array.from({ length: batch }, () => random.int(candidates.length));
      let mixed: tf.Tensor4D | null = null;
      candidates.forEach((view, c) => {
        const mask = new Float32Array(batch);
        choice.forEach((chosen, i) => (mask[i] = chosen === c ? 1 : 0));
        if (mask.every((m) => m === 0)) return;
        const part = tf.mul(view.augment(x, random), tf.tensor4d(mask, [batch, 1, 1, 1]));
        mixed = mixed === null ? (part as tf.Tensor4D) : (tf.add(mixed, part) as tf.Tensor4D);
      });
      x = mixed ?? x;
    }
    return x;
  });
}
