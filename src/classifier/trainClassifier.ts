import { tf } from '../tf.js';
import { DataLoader } from '../data/dataLoader.js';
import type { ImageDataset } from '../data/imageDataset.js';
import { UserError } from '../errors.js';
import { Random } from '../random/random.js';
import { Adam } from '../train/adam.js';
import {
  ClassifierNetwork,
  FASHION_MNIST_ARCHITECTURE,
  type ClassifierArchitecture,
} from './classifierNetwork.js';

export interface ClassifierTrainOptions {
  steps: number;
  batch?: number;
  /** Peak learning rate of Adam; it decays along a half cosine to 5% of itself. */
  learningRate?: number;
  seed?: number;
  architecture?: ClassifierArchitecture;
  /** Called every `reportEvery` steps with the mean loss since the last call. */
  onProgress?: (step: number, loss: number) => void;
  reportEvery?: number;
}

/** Streams of the seed: weights and batch order draw from generators of their own. */
const INIT_STREAM = 0;
const ORDER_STREAM = 1;

/**
 * Trains the evaluation classifier with softmax cross-entropy and Adam on `dataset` (images
 * scaled to [-1, 1], as generators produce them). Deterministic for a seed on one backend.
 */
export function trainClassifier(
  dataset: ImageDataset,
  options: ClassifierTrainOptions,
): ClassifierNetwork {
  const {
    steps,
    batch = 64,
    learningRate = 1e-3,
    seed = 0,
    architecture = {
      ...FASHION_MNIST_ARCHITECTURE,
      imageSize: dataset.height,
      channels: dataset.channels,
      classes: dataset.classCount,
    },
    onProgress,
    reportEvery = 100,
  } = options;
  if (dataset.height !== dataset.width) {
    throw new UserError(
      `trainClassifier: expected square images, got ${dataset.height}x${dataset.width} ` +
        `from ${dataset.source}`,
    );
  }
  if (!(Number.isInteger(steps) && steps > 0)) {
    throw new UserError(`trainClassifier: --steps must be a positive whole number, got ${steps}`);
  }
  const network = new ClassifierNetwork(architecture, new Random(seed, INIT_STREAM));
  const loader = new DataLoader(dataset, batch, new Random(seed, ORDER_STREAM));
  const optimizer = new Adam(network.params.weights, {
    learningRate,
    beta1: 0.9,
    beta2: 0.999,
    epsilon: 1e-8,
  });
  const variables = network.params.trainable();
  let lossSum = 0;
  let lossCount = 0;
  try {
    for (let step = 1; step <= steps; step++) {
      // A half-cosine decay settles the weights without a tuned schedule.
      const progress = (step - 1) / steps;
      optimizer.config.learningRate =
        learningRate * (0.05 + 0.95 * 0.5 * (1 + Math.cos(Math.PI * progress)));
      const { images, labels } = loader.next();
      const loss = tf.tidy(() => {
        const oneHot = tf.oneHot(
          tf.tensor1d(Int32Array.from(labels), 'int32'),
          architecture.classes,
        );
        const { value, grads } = tf.variableGrads(() => {
          const logits = network.logits(images);
          // Mean of logsumexp(logits) - logit of the true class.
          const picked = tf.sum(tf.mul(logits, oneHot), 1);
          return tf.mean(tf.sub(tf.logSumExp(logits, 1), picked)) as tf.Scalar;
        }, variables);
        optimizer.apply(grads);
        return value;
      });
      images.dispose();
      lossSum += loss.dataSync()[0] as number;
      lossCount += 1;
      loss.dispose();
      if (onProgress && (step % reportEvery === 0 || step === steps)) {
        onProgress(step, lossSum / lossCount);
        lossSum = 0;
        lossCount = 0;
      }
    }
  } catch (error) {
    network.dispose();
    throw error;
  } finally {
    optimizer.dispose();
  }
  return network;
}
