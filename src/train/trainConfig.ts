import type { AugmentationMode } from '../dag/objectiveTypes.js';
import type { GanLossName } from '../losses/ganLoss.js';

/** Every setting of a training run, resolved; written to `<out>/config.json`. */
export interface TrainConfig {
  /** `--data`: an IDX folder or a named dataset; null for the embedded Fashion-MNIST subset. */
  data: string | null;
  dataFraction: number;
  /** `--policy` as given, e.g. `rotation,cropping` or `rotation:1,cropping:0.5`; `none`. */
  policy: string;
  mode: AugmentationMode;
  loss: GanLossName;
  /** lambda of the DAG term. */
  dagWeight: number;
  /** Whether the identity view has a head of its own (official DAG module) or uses the main. */
  identityHead: 'own' | 'main';
  /** How cropped views are resized back. */
  cropResize: 'nearest' | 'bilinear';
  steps: number;
  batch: number;
  nCritic: number;
  lr: number;
  beta1: number;
  beta2: number;
  gpWeight: number;
  seed: number;
  dim: number;
  /** Kernel of G's stride-2 transposed convolutions: 2 (WGAN-GP's CIFAR model) or 4. */
  generatorKernel: 2 | 4;
  latentDim: number;
  leakySlope: number;
  backend: string;
  logEvery: number;
  sampleEvery: number;
  checkpointEvery: number;
  /** How many periodic checkpoints to keep (the newest ones). */
  keepCheckpoints: number;
  /** Evaluate FID, KID, precision/recall every this many steps (0: never). */
  evalEvery: number;
  /** Generated (and real) samples per evaluation. */
  evalSamples: number;
  /** Feature extractor of the evaluation: `default` or a model folder. */
  extractor: string;
  /** Image shape of the data, filled in when the data is loaded. */
  imageSize: number;
  channels: number;
}

/** Defaults that depend on the loss follow the reference that used that loss. */
export function lossDefaults(
  loss: GanLossName,
): Pick<TrainConfig, 'nCritic' | 'lr' | 'beta1' | 'beta2' | 'dagWeight'> {
  if (loss === 'wgan-gp') {
    // The DAG WGAN-GP example: Adam(1e-4, 0.5, 0.9), 5 critic steps, lambda 0.2.
    return { nCritic: 5, lr: 1e-4, beta1: 0.5, beta2: 0.9, dagWeight: 0.2 };
  }
  if (loss === 'lsgan') {
    // CycleGAN's DAG example used lambda 0.2 with the least-squares loss.
    return { nCritic: 1, lr: 2e-4, beta1: 0.5, beta2: 0.999, dagWeight: 0.2 };
  }
  // DCGAN's Adam(2e-4, 0.5, 0.999); the BigGAN DAG experiments used lambda 1.
  return { nCritic: 1, lr: 2e-4, beta1: 0.5, beta2: 0.999, dagWeight: 1 };
}

export const DEFAULT_CONFIG: Omit<TrainConfig, 'nCritic' | 'lr' | 'beta1' | 'beta2' | 'dagWeight'> =
  {
    data: null,
    dataFraction: 1,
    policy: 'rotation',
    mode: 'dag',
    loss: 'ns',
    identityHead: 'own',
    cropResize: 'nearest',
    steps: 3000,
    batch: 64,
    gpWeight: 10,
    seed: 0,
    dim: 64,
    generatorKernel: 4,
    latentDim: 128,
    leakySlope: 0.2,
    backend: 'auto',
    logEvery: 10,
    sampleEvery: 250,
    checkpointEvery: 500,
    keepCheckpoints: 3,
    evalEvery: 0,
    evalSamples: 2000,
    extractor: 'default',
    imageSize: 0,
    channels: 0,
  };
