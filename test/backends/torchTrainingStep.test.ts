import { beforeAll, describe, expect, it } from 'vitest';
import { tf } from '../../src/tf.js';
import { selectBackend } from '../../src/backends/selectBackend.js';
import type { ImageDataset } from '../../src/data/imageDataset.js';
import { Random } from '../../src/random/random.js';
import { DEFAULT_CONFIG, lossDefaults, type TrainConfig } from '../../src/train/trainConfig.js';
import {
  createTrainingState,
  disposeTrainingState,
  type TrainingState,
} from '../../src/train/trainingState.js';
import { trainStep, type StepMetrics } from '../../src/train/trainStep.js';
import { discriminatorLoss, generatorLoss } from '../../src/dag/objective.js';
import { expectClose, useBackend } from '../helpers.js';

/**
 * A whole DAG training step on the native backend against the same step on tfjs's cpu
 * reference: same seeds, so the same initial weights, data and noise reach both.
 */
const torch = await import('@dag-gan/tfjs-backend-torch').catch(() => null);
const required = process.env.DAG_GAN_REQUIRE_TORCH !== '0';

beforeAll(() => {
  if (!torch?.isTorchAvailable() && required) {
    throw new Error(
      'the torch backend is not built (npm run build:native); set DAG_GAN_REQUIRE_TORCH=0 to ' +
        `skip this suite knowingly. Reason: ${torch?.torchUnavailableReason() ?? 'package missing'}`,
    );
  }
});

const random = new Random(42);
const dataset: ImageDataset = {
  images: Uint8Array.from({ length: 16 * 28 * 28 }, () => random.int(256)),
  labels: new Uint8Array(16),
  count: 16,
  height: 28,
  width: 28,
  channels: 1,
  classCount: 1,
  source: 'random pixels',
};

function config(loss: TrainConfig['loss'], policy: string): TrainConfig {
  return {
    ...DEFAULT_CONFIG,
    ...lossDefaults(loss),
    loss,
    policy,
    nCritic: 1,
    dim: 2,
    batch: 4,
    imageSize: 28,
    channels: 1,
  };
}

function weights(state: TrainingState): Map<string, Float32Array> {
  const all = new Map<string, Float32Array>();
  for (const [name, v] of state.generator.params.weights)
    all.set(`G/${name}`, v.dataSync() as Float32Array);
  for (const [name, v] of state.discriminator.backbone.params.weights)
    all.set(`D/${name}`, v.dataSync() as Float32Array);
  for (const [name, v] of state.discriminator.heads.weights)
    all.set(`D/${name}`, v.dataSync() as Float32Array);
  return all;
}

async function runOn(backend: string, c: TrainConfig, steps: number) {
  if (backend === 'cpu') await useBackend('cpu');
  else await selectBackend('torch');
  const state = createTrainingState(c, dataset);
  let metrics: StepMetrics | null = null;
  for (let i = 0; i < steps; i++) metrics = trainStep(state, true);
  const result = { metrics: metrics as StepMetrics, weights: weights(state) };
  disposeTrainingState(state);
  return result;
}

/** Losses and gradients of one D and one G evaluation on the first batch, no update. */
async function gradientsOn(backend: string, c: TrainConfig) {
  if (backend === 'cpu') await useBackend('cpu');
  else await selectBackend('torch');
  const state = createTrainingState(c, dataset);
  const batch = state.loader.next();
  const z = state.noiseRandom.normalTensor([c.batch, c.latentDim]) as tf.Tensor2D;
  const fake = state.generator.generate(z, { training: true });
  const common = { D: state.discriminator, loss: state.loss, config: state.objective };
  const values = new Map<string, Float32Array>();
  const d = tf.variableGrads(() => {
    const { loss, terms } = discriminatorLoss({
      ...common,
      real: batch.images,
      fake,
      random: state.augmentRandom,
    });
    tf.dispose([...terms.values()]);
    return loss;
  }, state.discriminator.trainable());
  const g = tf.variableGrads(() => {
    const live = state.generator.generate(z, { training: true });
    const { loss, terms } = generatorLoss({ ...common, fake: live, random: state.augmentRandom });
    tf.dispose([...terms.values()]);
    return loss;
  }, state.generator.params.trainable());
  values.set('loss/D', d.value.dataSync() as Float32Array);
  values.set('loss/G', g.value.dataSync() as Float32Array);
  for (const [name, grad] of Object.entries({ ...d.grads, ...g.grads })) {
    values.set(`grad/${name.replace(/_\d+$/, '')}`, grad.dataSync() as Float32Array);
  }
  const order = [...state.discriminator.trainable(), ...state.generator.params.trainable()];
  const ordered = order.map(
    (v) => (d.grads[v.name] ?? g.grads[v.name])?.dataSync() as Float32Array,
  );
  tf.dispose([d.value, g.value, d.grads, g.grads, z, fake, batch.images]);
  disposeTrainingState(state);
  return { losses: [values.get('loss/D'), values.get('loss/G')], grads: ordered };
}

const CASES = [
  ['ns', 'rotation,cropping'],
  ['wgan-gp', 'rotation'],
  ['hinge', 'translation,cutout'],
] as const;

describe.runIf(torch?.isTorchAvailable() ?? false)(
  'a DAG training step on torch equals cpu',
  () => {
    for (const [loss, policy] of CASES) {
      it(`losses and every gradient, loss ${loss} policy ${policy} dim 2 batch 4`, async () => {
        const c = config(loss, policy);
        const reference = await gradientsOn('cpu', c);
        const native = await gradientsOn('torch', c);
        expectClose(
          native.losses.map((l) => l?.[0] as number),
          reference.losses.map((l) => l?.[0] as number),
          { rtol: 1e-5, atol: 1e-6 },
        );
        // Summation order differs between ATen and the cpu backend: allow 1e-5 of the largest
        // gradient. Biases ahead of a batch norm have a zero gradient in exact arithmetic, so
        // their own scale is rounding noise and cannot serve.
        const scale = reference.grads.reduce(
          (m, grad) => grad.reduce((n, v) => Math.max(n, Math.abs(v)), m),
          0,
        );
        reference.grads.forEach((grad, i) => {
          expectClose(native.grads[i] ?? [], grad, { rtol: 1e-4, atol: 1e-5 * scale });
        });
      });

      it(`one training step: losses and updated weights, loss ${loss} policy ${policy}`, async () => {
        const c = config(loss, policy);
        const reference = await runOn('cpu', c, 1);
        const native = await runOn('torch', c, 1);
        for (const [name, value] of Object.entries(reference.metrics)) {
          // G's terms come after D's Adam update, whose first step lr * g / (|g| + eps) blows
          // rounding noise up to +-lr where a gradient is zero in exact arithmetic (WGAN's head
          // biases: d(mean f - mean r)/db = 0). D's terms come before any update: strict.
          const tolerance = name.startsWith('loss/G')
            ? { rtol: 1e-3, atol: 1e-4 }
            : { rtol: 1e-5, atol: 1e-6 };
          expectClose([native.metrics[name] as number], [value], tolerance);
        }
        for (const [name, value] of reference.weights) {
          // One Adam step moves a weight by at most lr; a sign error would move it by 2 lr.
          expectClose(native.weights.get(name) ?? [], value, { rtol: 0, atol: c.lr });
        }
      });
    }
    it('tensor count and native tensors stay flat over 20 steps', async () => {
      await selectBackend('torch');
      const state = createTrainingState(config('wgan-gp', 'rotation,cropping'), dataset);
      trainStep(state, true);
      const tensors = tf.memory().numTensors;
      const native = torch?.numNativeTensors() ?? 0;
      for (let i = 0; i < 20; i++) trainStep(state, i % 5 === 0);
      expect(tf.memory().numTensors).toBe(tensors);
      expect(torch?.numNativeTensors()).toBe(native);
      disposeTrainingState(state);
    });
  },
);
