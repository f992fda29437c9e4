/**
 * Times full DAG training iterations (one D step and one G step) of the WGAN-GP-style DCGAN on
 * 32x32x3 images, with the same model, optimiser and objective as the PyTorch reference
 * iteration (`torch_dag_step.py`: flags of the same names), and prints one JSON line.
 *
 *   node dist/bench/dagStep.js --backend torch --dim 64 --batch 64 --policy rotation \
 *     --loss ns --steps 20 --json
 */
import { parseArgs } from 'node:util';
import { tf } from '../src/tf.js';
import { selectBackend, type BackendChoice } from '../src/backends/selectBackend.js';
import type { ImageDataset } from '../src/data/imageDataset.js';
import { Random } from '../src/random/random.js';
import { DEFAULT_CONFIG, type TrainConfig } from '../src/train/trainConfig.js';
import { createTrainingState, disposeTrainingState } from '../src/train/trainingState.js';
import { trainStep } from '../src/train/trainStep.js';

const { values } = parseArgs({
  options: {
    backend: { type: 'string', default: 'auto' },
    dim: { type: 'string', default: '64' },
    batch: { type: 'string', default: '64' },
    policy: { type: 'string', default: 'rotation' },
    loss: { type: 'string', default: 'ns' },
    steps: { type: 'string', default: '20' },
    warmup: { type: 'string', default: '3' },
    lam: { type: 'string', default: '0.2' },
    json: { type: 'boolean', default: false },
  },
});

const backend = await selectBackend(values.backend as BackendChoice);
const batch = Number(values.batch);
const loss = values.loss as TrainConfig['loss'];
const config: TrainConfig = {
  ...DEFAULT_CONFIG,
  // The reference iteration: Adam(2e-4, 0.5, 0.999) for both losses, one D step per G step,
  // every view with its own head (the official DAG module).
  nCritic: 1,
  lr: 2e-4,
  beta1: 0.5,
  beta2: 0.999,
  dagWeight: Number(values.lam),
  loss,
  policy: values.policy as string,
  identityHead: 'own',
  dim: Number(values.dim),
  generatorKernel: 2, // torch_dag_step.py's ConvTranspose2d(k=2, s=2)
  batch,
  imageSize: 32,
  channels: 3,
};

// Random pixels, like the reference's fixed uniform real batch; ten batches' worth.
const random = new Random(0);
const count = batch * 10;
const dataset: ImageDataset = {
  images: Uint8Array.from({ length: count * 32 * 32 * 3 }, () => random.int(256)),
  labels: new Uint8Array(count),
  count,
  height: 32,
  width: 32,
  channels: 3,
  classCount: 1,
  source: 'random pixels',
};

const state = createTrainingState(config, dataset);
const warmup = Number(values.warmup);
const steps = Number(values.steps);
for (let i = 0; i < warmup; i++) trainStep(state, false);
const tensorsBefore = tf.memory().numTensors;
const times: number[] = [];
for (let i = 0; i < steps; i++) {
  const started = performance.now();
  trainStep(state, false);
  // Kernels may run lazily on some backends: reading one weight waits for the step to finish.
  state.generator.params.trainable()[0]?.dataSync();
  times.push(performance.now() - started);
}
const leaked = tf.memory().numTensors - tensorsBefore;
disposeTrainingState(state);
times.sort((a, b) => a - b);
const result = {
  impl: `dag-gan-${backend}`,
  backend,
  dim: config.dim,
  batch,
  loss,
  policy: config.policy,
  heads: state.discriminator.headCount,
  ms_per_iter_median: times[Math.floor(times.length / 2)],
  ms_per_iter_min: times[0],
  steps,
  leaked_tensors: leaked,
};
if (values.json) {
  console.log(JSON.stringify(result));
} else {
  console.log(
    `${result.impl}: ${result.policy}/${loss} dim ${result.dim} batch ${batch}: ` +
      `median ${result.ms_per_iter_median?.toFixed(1)} ms/iter (min ${result.ms_per_iter_min?.toFixed(1)})`,
  );
}
