import { tf } from '../tf.js';
import type { Random } from '../random/random.js';
import { checkImageShape, stageCount, type ImageSize } from './imageShape.js';
import {
  batchNorm,
  conv2dTranspose,
  createBatchNorm,
  createConv2dTranspose,
  createDense,
  dense,
} from './layers.js';
import { ParameterStore } from './parameterStore.js';

export interface GeneratorConfig {
  /** Length of the noise vector z. */
  latentDim: number;
  /** Base width: the 4x4 map has `2^(stages-1) * dim` channels, halved at every stage. */
  dim: number;
  imageSize: number;
  channels: number;
  /**
   * Kernel of the transposed convolutions (all stride 2): 2 is the reference WGAN-GP CIFAR
   * model's, each output pixel from one input pixel, which leaves a visible 2x2 checkerboard
   * for thousands of steps; 4 (padding 1, as DCGAN) overlaps neighbouring windows.
   */
  kernelSize: 2 | 4;
}

/**
 * The generator of the WGAN-GP DCGAN that DAG's reference trains: z -> linear + batch norm +
 * ReLU -> `[batch, 4, 4, 4*dim]` -> stride-2 transposed convolutions (kernel 2) with batch norm
 * and ReLU -> image with tanh, values in [-1, 1]. For 28x28 images the 8x8 map is cropped to
 * 7x7 (as the reference's MNIST model does) so that two more stages give 28x28.
 */
export class Generator {
  readonly params = new ParameterStore();
  readonly config: GeneratorConfig;
  private readonly size: ImageSize;
  private readonly widths: number[];

  constructor(config: GeneratorConfig, random: Random) {
    this.config = config;
    this.size = checkImageShape(config.imageSize, config.channels);
    const stages = stageCount(this.size);
    // Channel widths from the 4x4 map down to the last hidden map: [4d, 2d, d] for 3 stages.
    this.widths = Array.from({ length: stages }, (_, i) => config.dim * 2 ** (stages - 1 - i));
    const first = this.widths[0] as number;
    createDense(this.params, 'project', config.latentDim, 4 * 4 * first, random);
    createBatchNorm(this.params, 'project/bn', 4 * 4 * first);
    for (let i = 0; i < stages; i++) {
      const inChannels = this.widths[i] as number;
      const last = i === stages - 1;
      const outChannels = last ? config.channels : (this.widths[i + 1] as number);
      const k = config.kernelSize;
      createConv2dTranspose(this.params, `up${i + 1}`, k, inChannels, outChannels, random);
      if (!last) createBatchNorm(this.params, `up${i + 1}/bn`, outChannels);
    }
  }

  /** `z [batch, latentDim]` -> images `[batch, size, size, channels]` in [-1, 1]. */
  generate(z: tf.Tensor2D, { training }: { training: boolean }): tf.Tensor4D {
    return tf.tidy(() => {
      const [batch] = z.shape;
      const stages = this.widths.length;
      let h2 = dense(this.params, 'project', z);
      h2 = tf.relu(batchNorm(this.params, 'project/bn', h2, { training }));
      let h = tf.reshape(h2, [batch, 4, 4, this.widths[0] as number]) as tf.Tensor4D;
      for (let i = 0; i < stages; i++) {
        h = conv2dTranspose(this.params, `up${i + 1}`, h, 2);  // [b, 2h, 2w, c']
        if (i === stages - 1) break;
        h = tf.relu(batchNorm(this.params, `up${i + 1}/bn`, h, { training }));
        if (this.size === 28 && i === 0) h = tf.slice(h, [0, 0, 0, 0], [-1, 7, 7, -1]);
      }
      return tf.tanh(h);
    });
  }

  dispose(): void {
    this.params.dispose();
  }
}
