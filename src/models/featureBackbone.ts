import type { tf } from '../tf.js';
import type { ParameterStore } from './parameterStore.js';

/**
 * The shared trunk of a discriminator: images `[batch, height, width, channels]` to features
 * `[batch, featureSize]`. Any network can be one; `MultiHeadDiscriminator` adds the heads.
 */
export interface FeatureBackbone {
  readonly params: ParameterStore;
  readonly featureSize: number;
  /**
   * True when samples interact inside the trunk (batch norm in training mode). Then stacking
   * views or real and fake samples into one call changes the result, and the DAG objective
   * evaluates each view in a call of its own, as the reference does.
   */
  readonly usesBatchStatistics: boolean;
  features(images: tf.Tensor4D): tf.Tensor2D;
}
