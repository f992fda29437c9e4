import { tf } from '../tf.js';
import { DataLoader } from '../data/dataLoader.js';
import type { ImageDataset } from '../data/imageDataset.js';
import type { DagObjectiveConfig } from '../dag/objectiveTypes.js';
import { ganLossByName } from '../losses/index.js';
import type { GanLoss } from '../losses/ganLoss.js';
import { DcganBackbone } from '../models/dcganBackbone.js';
import { Generator } from '../models/generator.js';
import { MultiHeadDiscriminator } from '../models/multiHeadDiscriminator.js';
import { Random } from '../random/random.js';
import { Adam } from './adam.js';
import { buildObjective } from './buildObjective.js';
import type { TrainConfig } from './trainConfig.js';

/** Independent random streams, so that e.g. a new augmentation does not shift the data order. */
export const STREAMS = { init: 1, data: 2, noise: 3, augment: 4, fixedNoise: 5 } as const;

/** Everything a run carries from step to step; a checkpoint saves all of it. */
export interface TrainingState {
  config: TrainConfig;
  generator: Generator;
  discriminator: MultiHeadDiscriminator;
  optimizerG: Adam;
  optimizerD: Adam;
  loader: DataLoader;
  noiseRandom: Random;
  augmentRandom: Random;
  loss: GanLoss;
  objective: DagObjectiveConfig;
  /** Generator steps done. */
  step: number;
}

export function createTrainingState(config: TrainConfig, dataset: ImageDataset): TrainingState {
  const init = new Random(config.seed, STREAMS.init);
  const objective = buildObjective(config);
  const generator = new Generator(
    {
      latentDim: config.latentDim,
      dim: config.dim,
      imageSize: config.imageSize,
      channels: config.channels,
      kernelSize: config.generatorKernel,
    },
    init,
  );
  const backbone = new DcganBackbone(
    {
      dim: config.dim,
      imageSize: config.imageSize,
      channels: config.channels,
      leakySlope: config.leakySlope,
    },
    init,
  );
  const discriminator = new MultiHeadDiscriminator(backbone, objective.headCount, init);
  const adam = { learningRate: config.lr, beta1: config.beta1, beta2: config.beta2, epsilon: 1e-8 };
  const dWeights = new Map([...backbone.params.weights, ...discriminator.heads.weights]);
  return {
    config,
    generator,
    discriminator,
    optimizerG: new Adam(generator.params.weights, adam),
    optimizerD: new Adam(dWeights, adam),
    loader: new DataLoader(dataset, config.batch, new Random(config.seed, STREAMS.data)),
    noiseRandom: new Random(config.seed, STREAMS.noise),
    augmentRandom: new Random(config.seed, STREAMS.augment),
    loss: ganLossByName(config.loss, config.gpWeight),
    objective: objective.config,
    step: 0,
  };
}

/** The fixed noise of the sample grids: the same for every grid of a run, and after a resume. */
export function fixedNoise(config: TrainConfig, count: number): tf.Tensor2D {
  return new Random(config.seed, STREAMS.fixedNoise).normalTensor([
    count,
    config.latentDim,
  ]) as tf.Tensor2D;
}

export function disposeTrainingState(state: TrainingState): void {
  state.generator.dispose();
  state.discriminator.dispose();
  state.optimizerG.dispose();
  state.optimizerD.dispose();
}
