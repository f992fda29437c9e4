import { tf } from '../tf.js';
import { discriminatorLoss, generatorLoss } from '../dag/objective.js';
import type { TrainingState } from './trainingState.js';

/** Scalars of one step, by hierarchical name (`loss/D`, `loss/D/dag/rotation/rotate90`, ...). */
export type StepMetrics = Record<string, number>;

function collect(terms: Map<string, tf.Scalar>, into: StepMetrics | null): void {
  for (const [name, value] of terms) {
    if (into) into[name] = value.dataSync()[0] as number;
    value.dispose();
  }
}

/**
 * One training step: `nCritic` discriminator updates, each on a fresh real batch and fresh
 * fakes, then one generator update. With `wantMetrics` the losses of the last D update and of
 * the G update are read back (a device sync, so only on logging steps).
 */
export function trainStep(state: TrainingState, wantMetrics: boolean): StepMetrics | null {
  const { config, generator, discriminator, loss, objective } = state;
  const metrics: StepMetrics | null = wantMetrics ? {} : null;

  for (let c = 0; c < config.nCritic; c++) {
    const last = c === config.nCritic - 1;
    const batch = state.loader.next();
    const z = state.noiseRandom.normalTensor([config.batch, config.latentDim]) as tf.Tensor2D;
    // Fakes for D's update are made outside the gradient tape: D's step needs no G gradients.
    const fake = generator.generate(z, { training: true });
    let terms = new Map<string, tf.Scalar>();
    const { value, grads } = tf.variableGrads(() => {
      const result = discriminatorLoss({
        D: discriminator,
        loss,
        config: objective,
        real: batch.images,
        fake,
        random: state.augmentRandom,
      });
      terms = result.terms;
      return result.loss;
    }, discriminator.trainable());
    state.optimizerD.apply(grads);
    if (last && metrics) metrics['loss/D'] = value.dataSync()[0] as number;
    collect(terms, last ? metrics : null);
    tf.dispose([value, grads, z, fake, batch.images]);
  }

  const z = state.noiseRandom.normalTensor([config.batch, config.latentDim]) as tf.Tensor2D;
  let terms = new Map<string, tf.Scalar>();
  // Only G's weights are listed, so tfjs prunes D's weight gradients from this backward pass.
  const { value, grads } = tf.variableGrads(() => {
    const fake = generator.generate(z, { training: true });
    const result = generatorLoss({
      D: discriminator,
      loss,
      config: objective,
      fake,
      random: state.augmentRandom,
    });
    terms = result.terms;
    return result.loss;
  }, generator.params.trainable());
  state.optimizerG.apply(grads);
  if (metrics) metrics['loss/G'] = value.dataSync()[0] as number;
  collect(terms, metrics);
  tf.dispose([value, grads, z]);
  state.step += 1;
  return metrics;
}
