import { tf } from '../tf.js';
import type { Random } from '../random/random.js';
import type { FeatureBackbone } from './featureBackbone.js';
import { checkImageShape, stageCount } from './imageShape.js';
import { conv2d, createConv2d } from './layers.js';
import { ParameterStore } from './parameterStore.js';

export interface DcganBackboneConfig {
  dim: number;
  imageSize: number;
  channels: number;
  /** Negative slope of the leaky ReLUs. */
  leakySlope: number;
}

/**
 * The reference WGAN-GP DCGAN discriminator's trunk: 3x3 stride-2 convolutions padded by 1 with
 * leaky ReLU and no normalisation (batch norm would break the gradient penalty), doubling the
 * width at each stage, down to a 4x4 map that is flattened.
 */
export class DcganBackbone implements FeatureBackbone {
  readonly params = new ParameterStore();
  readonly featureSize: number;
  readonly usesBatchStatistics = false;
  readonly config: DcganBackboneConfig;
  private readonly stages: number;

  constructor(config: DcganBackboneConfig, random: Random) {
    this.config = config;
    this.stages = stageCount(checkImageShape(config.imageSize, config.channels));
    let inChannels = config.channels;
    for (let i = 0; i < this.stages; i++) {
      const outChannels = config.dim * 2 ** i;
      createConv2d(this.params, `conv${i + 1}`, 3, inChannels, outChannels, random);
      inChannels = outChannels;
    }
    this.featureSize = 4 * 4 * inChannels;
  }

  features(images: tf.Tensor4D): tf.Tensor2D {
    return tf.tidy(() => {
      let h = images;
      for (let i = 0; i < this.stages; i++) {
        h = tf.leakyRelu(conv2d(this.params, `conv${i + 1}`, h, 2, 1), this.config.leakySlope);
      }
      return tf.reshape(h, [images.shape[0], this.featureSize]) as tf.Tensor2D;
    });
  }
}
