import { tf } from '../../src/tf.js';
import type { FeatureExtractor } from '../../src/eval/featureExtractor.js';

/**
 * A transparent extractor for tests: features are [mean, mean of squares, share of pixels
 * above 0] of each image, probabilities a softmax of [mean, -mean]. `calls` counts images seen.
 */
export function stubExtractor(): FeatureExtractor & { calls: number } {
  const stub = {
    name: 'stub',
    weightsHash: '0'.repeat(64),
    preprocessing: 'none',
    dims: 3,
    classes: 2,
    calls: 0,
    features(images: tf.Tensor4D): tf.Tensor2D {
      stub.calls += images.shape[0];
      return tf.tidy(() => {
        const flat = tf.reshape(images, [images.shape[0], -1]);
        return tf.stack(
          [
            tf.mean(flat, 1),
            tf.mean(tf.square(flat), 1),
            tf.mean(tf.cast(tf.greater(flat, 0), 'float32'), 1),
          ],
          1,
        ) as tf.Tensor2D;
      });
    },
    probabilities(images: tf.Tensor4D): tf.Tensor2D {
      return tf.tidy(() => {
        const m = tf.mean(tf.reshape(images, [images.shape[0], -1]), 1);
        return tf.softmax(tf.stack([m, tf.neg(m)], 1)) as tf.Tensor2D;
      });
    },
    dispose(): void {},
  };
  return stub;
}
