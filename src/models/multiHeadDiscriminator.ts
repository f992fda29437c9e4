import { tf } from '../tf.js';
import type { Random } from '../random/random.js';
import type { FeatureBackbone } from './featureBackbone.js';
import { ParameterStore } from './parameterStore.js';

/**
 * Turns any feature backbone into DAG's multi-head discriminator: a main linear head plus one
 * linear head per augmented view, all on the backbone's shared features. The heads are one
 * `[featureSize, 1 + heads]` matrix, so every head's logit costs one matrix product together;
 * column 0 is the main head, column 1 + k is DAG head k.
 */
export class MultiHeadDiscriminator {
  readonly backbone: FeatureBackbone;
  readonly heads: ParameterStore = new ParameterStore();
  readonly headCount: number;

  constructor(backbone: FeatureBackbone, headCount: number, random: Random) {
    if (!Number.isInteger(headCount) || headCount < 0) {
      throw new Error(`MultiHeadDiscriminator: headCount must be >= 0, got ${headCount}`);
    }
    this.backbone = backbone;
    this.headCount = headCount;
    const bound = 1 / Math.sqrt(backbone.featureSize);
    this.heads.uniform('heads/kernel', [backbone.featureSize, 1 + headCount], bound, random);
    this.heads.uniform('heads/bias', [1 + headCount], bound, random);
  }

  /** Logits of every head for every sample: `[batch, 1 + headCount]`. */
  logits(images: tf.Tensor4D): tf.Tensor2D {
    return tf.tidy(() => this.headLogits(this.backbone.features(images)));
  }

  /** Applies all heads to features `[batch, featureSize]` -> `[batch, 1 + headCount]`. */
  headLogits(features: tf.Tensor2D): tf.Tensor2D {
    return tf.add(
      tf.matMul(features, this.heads.get('heads/kernel')),
      this.heads.get('heads/bias'),
    ) as tf.Tensor2D;
  }

  /** The main head's logits `[batch]`. */
  mainLogits(images: tf.Tensor4D): tf.Tensor1D {
    return tf.tidy(() => tf.reshape(tf.slice(this.logits(images), [0, 0], [-1, 1]), [-1]));
  }

  trainable(): tf.Variable[] {
    return [...this.backbone.params.trainable(), ...this.heads.trainable()];
  }

  dispose(): void {
    this.backbone.params.dispose();
    this.heads.dispose();
  }
}
