/** dag-gan's public API: the DAG library, GAN losses and models, data, training, metrics. */
export { tf } from './tf.js';
export { UserError } from './errors.js';
export { Random, type RandomState } from './random/random.js';

export * from './dag/augmentations/identity.js';
export * from './dag/augmentations/rotate90.js';
export * from './dag/augmentations/flip.js';
export * from './dag/augmentations/crop.js';
export * from './dag/augmentations/translate.js';
export * from './dag/augmentations/cutout.js';
export * from './dag/augmentations/brightness.js';
export * from './dag/augmentations/saturation.js';
export * from './dag/augmentations/contrast.js';
export * from './dag/augmentations/color.js';
export type { View } from './dag/augment.js';
export * from './dag/policies.js';
export { discriminatorLoss, generatorLoss } from './dag/objective.js';
export { applyRandomView } from './dag/randomView.js';
export * from './dag/objectiveTypes.js';

export * from './losses/index.js';

export { Generator, type GeneratorConfig } from './models/generator.js';
export { DcganBackbone, type DcganBackboneConfig } from './models/dcganBackbone.js';
export type { FeatureBackbone } from './models/featureBackbone.js';
export { MultiHeadDiscriminator } from './models/multiHeadDiscriminator.js';
export { ParameterStore } from './models/parameterStore.js';

export * from './data/imageDataset.js';
export { loadDataset, type Split } from './data/loadDataset.js';
export { takeFraction } from './data/takeFraction.js';
export { toImageTensor } from './data/toImageTensor.js';
export { DataLoader, type DataLoaderState } from './data/dataLoader.js';
export { imageGrid, writeImageGrid } from './image/imageGrid.js';

export { Adam, type AdamConfig } from './train/adam.js';
export { runTraining, type RunOptions, type RunResult } from './train/runTraining.js';
export { DEFAULT_CONFIG, lossDefaults, type TrainConfig } from './train/trainConfig.js';

export * from './metrics/featureStatistics.js';
export * from './metrics/frechetDistance.js';
export * from './metrics/kernelInceptionDistance.js';
export * from './metrics/inceptionScore.js';
export * from './metrics/precisionRecall.js';
export { readNpy, writeNpy } from './io/npy.js';

export { selectBackend, type BackendChoice } from './backends/selectBackend.js';
