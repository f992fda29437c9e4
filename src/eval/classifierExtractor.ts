import { basename, resolve } from 'node:path';
import { tf } from '../tf.js';
import { loadClassifier } from '../classifier/classifierWeights.js';
import { shippedClassifierDir } from '../classifier/shippedClassifier.js';
import type { ClassifierNetwork } from '../classifier/classifierNetwork.js';
import type { FeatureExtractor } from './featureExtractor.js';

/**
 * A dag-gan classifier (the shipped Fashion-MNIST one by default) as a feature extractor: its
 * penultimate 128-d ReLU activations are the features, its softmax the class probabilities.
 * Images go in as generators make them: no resizing, values in [-1, 1].
 */
export function classifierExtractor(folder = shippedClassifierDir()): FeatureExtractor {
  const { network, manifest } = loadClassifier(folder);
  const { imageSize, channels, featureSize, classes } = manifest.architecture;
  const shipped = resolve(folder) === resolve(shippedClassifierDir());
  return new ClassifierExtractor(
    network,
    shipped ? 'fashion-mnist-classifier' : `classifier:${basename(resolve(folder))}`,
    manifest.sha256,
    `${imageSize}x${imageSize}x${channels}, values in [-1, 1] (pixel / 127.5 - 1), no resizing`,
    featureSize,
    classes,
  );
}

class ClassifierExtractor implements FeatureExtractor {
  constructor(
    private readonly network: ClassifierNetwork,
    readonly name: string,
    readonly weightsHash: string,
    readonly preprocessing: string,
    readonly dims: number,
    readonly classes: number,
  ) {}

  features(images: tf.Tensor4D): tf.Tensor2D {
    return this.network.features(images);
  }

  probabilities(images: tf.Tensor4D): tf.Tensor2D {
    return tf.tidy(() => tf.softmax(this.network.logits(images)));
  }

  dispose(): void {
    this.network.dispose();
  }
}
