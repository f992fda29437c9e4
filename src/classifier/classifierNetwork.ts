import { tf } from '../tf.js';
import { assert } from '../errors.js';
import { conv2d, createConv2d, createDense, dense } from '../models/layers.js';
import { ParameterStore } from '../models/parameterStore.js';
import type { Random } from '../random/random.js';

/** The shape of the classifier: what its weights file must agree with. */
export interface ClassifierArchitecture {
  /** Images are square: `[batch, imageSize, imageSize, channels]`. */
  imageSize: number;
  channels: number;
  classes: number;
  /** Channels of the three convolutions. */
  widths: [number, number, number];
  /** Length of the penultimate feature vector (the evaluation embedding). */
  featureSize: number;
}

/** The architecture of the shipped Fashion-MNIST classifier. */
export const FASHION_MNIST_ARCHITECTURE: ClassifierArchitecture = {
  imageSize: 28,
  channels: 1,
  classes: 10,
  widths: [16, 32, 64],
  featureSize: 128,
};

/**
 * A small CNN for 28x28 gray images, trained on Fashion-MNIST to serve as the feature
 * extractor of FID/KID/precision/recall (its 128-d penultimate activations) and of the
 * Inception-style score (its softmax):
 *
 *   conv 3x3 (pad 1) + ReLU + max-pool 2  -> [batch, 14, 14, w1]
 *   conv 3x3 (pad 1) + ReLU + max-pool 2  -> [batch, 7, 7, w2]
 *   conv 3x3 stride 2 (pad 1) + ReLU      -> [batch, 4, 4, w3]
 *   dense + ReLU                          -> [batch, featureSize]   (features)
 *   dense                                 -> [batch, classes]       (logits)
 *
 * No batch norm or dropout: features of a sample must not depend on the rest of its batch,
 * and an evaluation network has no training mode to forget to switch off.
 */
export class ClassifierNetwork {
  readonly params = new ParameterStore();

  constructor(
    readonly architecture: ClassifierArchitecture,
    random: Random,
  ) {
    const { channels, widths, featureSize, classes } = architecture;
    const [w1, w2, w3] = widths;
    createConv2d(this.params, 'conv1', 3, channels, w1, random);
    createConv2d(this.params, 'conv2', 3, w1, w2, random);
    createConv2d(this.params, 'conv3', 3, w2, w3, random);
    createDense(this.params, 'features', this.flatSize(), featureSize, random);
    createDense(this.params, 'logits', featureSize, classes, random);
  }

  /** Length of the flattened last convolution map. */
  private flatSize(): number {
    const pooled = Math.floor(Math.floor(this.architecture.imageSize / 2) / 2);
    const strided = Math.ceil(pooled / 2);
    return strided * strided * this.architecture.widths[2];
  }

  /** Checks that images are `[batch, imageSize, imageSize, channels]`. */
  checkInput(images: tf.Tensor, operation: string): void {
    const { imageSize, channels } = this.architecture;
    assert(
      images.rank === 4 &&
        images.shape[1] === imageSize &&
        images.shape[2] === imageSize &&
        images.shape[3] === channels,
      () =>
        `${operation}: expected a rank-4 [batch, ${imageSize}, ${imageSize}, ${channels}] ` +
        `tensor, got [${images.shape.join(', ')}]`,
    );
  }

  /** Images in [-1, 1] -> penultimate features `[batch, featureSize]` (after the ReLU). */
  features(images: tf.Tensor4D): tf.Tensor2D {
    this.checkInput(images, 'ClassifierNetwork.features');
    return tf.tidy(() => {
      let h = tf.relu(conv2d(this.params, 'conv1', images, 1, 1));
      h = tf.maxPool(h, 2, 2, 'valid');
      h = tf.relu(conv2d(this.params, 'conv2', h, 1, 1));
      h = tf.maxPool(h, 2, 2, 'valid');
      h = tf.relu(conv2d(this.params, 'conv3', h, 2, 1));
      const flat = tf.reshape(h, [h.shape[0], this.flatSize()]) as tf.Tensor2D;
      return tf.relu(dense(this.params, 'features', flat));
    });
  }

  /** Features -> class logits `[batch, classes]`. */
  logitsFromFeatures(features: tf.Tensor2D): tf.Tensor2D {
    return dense(this.params, 'logits', features);
  }

  /** Images in [-1, 1] -> class logits `[batch, classes]`. */
  logits(images: tf.Tensor4D): tf.Tensor2D {
    return tf.tidy(() => this.logitsFromFeatures(this.features(images)));
  }

  dispose(): void {
    this.params.dispose();
  }
}
