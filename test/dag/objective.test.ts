import { beforeAll, describe, expect, it } from 'vitest';
import { tf } from '../../src/tf.js';
import { discriminatorLoss, generatorLoss } from '../../src/dag/objective.js';
import type { DagObjectiveConfig } from '../../src/dag/objectiveTypes.js';
import { buildPolicies, headCount, parsePolicies } from '../../src/dag/policies.js';
import { rotate90 } from '../../src/dag/augmentations/rotate90.js';
import { nonSaturatingLoss, wassersteinLoss } from '../../src/losses/index.js';
import type { FeatureBackbone } from '../../src/models/featureBackbone.js';
import { Generator } from '../../src/models/generator.js';
import { MultiHeadDiscriminator } from '../../src/models/multiHeadDiscriminator.js';
import { ParameterStore } from '../../src/models/parameterStore.js';
import { Random } from '../../src/random/random.js';
import { expectNoLeaks, useBackend } from '../helpers.js';

beforeAll(async () => useBackend('cpu'));

/** A tiny backbone: tanh of a linear map of the flattened image. */
class LinearBackbone implements FeatureBackbone {
  readonly params = new ParameterStore();
  readonly featureSize = 3;
  constructor(
    pixels: number,
    random: Random,
    readonly usesBatchStatistics = false,
  ) {
    this.params.uniform('w', [pixels, 3], 0.5, random);
  }
  features(images: tf.Tensor4D): tf.Tensor2D {
    return tf.tidy(() =>
      tf.tanh(tf.matMul(tf.reshape(images, [images.shape[0], -1]), this.params.get('w'))),
    ) as tf.Tensor2D;
  }
}

const softplus = (x: number) => Math.log1p(Math.exp(x));
const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;

function makeD(heads: number, batchStatistics = false): MultiHeadDiscriminator {
  const random = new Random(11);
  return new MultiHeadDiscriminator(
    new LinearBackbone(2 * 2 * 1, random, batchStatistics),
    heads,
    random,
  );
}

/** Logits of every head, per sample, by one plain D call: the hand computation's input. */
function logitsOf(D: MultiHeadDiscriminator, x: tf.Tensor4D): number[][] {
  return tf.tidy(() => D.logits(x).arraySync() as number[][]);
}

function nsD(r: number[], f: number[]): number {
  return mean(r.map((v) => softplus(-v))) + mean(f.map(softplus));
}

const real = () => tf.tensor4d([0.1, -0.4, 0.7, 0.3, -0.9, 0.5, 0.2, -0.1], [2, 2, 2, 1]);
const fake = () => tf.tensor4d([0.6, 0.2, -0.3, -0.8, 0.4, 0.0, -0.5, 0.9], [2, 2, 2, 1]);

/**
 * D's DAG loss for the rotation policy written out view by view: the view's images through D
 * alone, the view's head column, the ns loss by hand, averaged over views and weighted.
 */
function handDiscriminatorLoss(
  D: MultiHeadDiscriminator,
  ownIdentityHead: boolean,
  lambda: number,
  weight: number,
): number {
  return tf.tidy(() => {
    const r = real();
    const f = fake();
    const main = nsD(
      logitsOf(D, r).map((row) => row[0] as number),
      logitsOf(D, f).map((row) => row[0] as number),
    );
    const viewLosses = [0, 1, 2, 3].map((k) => {
      const column = ownIdentityHead ? 1 + k : k; // with the shared main head, views 1..3 use heads 0..2
      const rv = logitsOf(D, rotate90(r, k)).map((row) => row[column] as number);
      const fv = logitsOf(D, rotate90(f, k)).map((row) => row[column] as number);
      return nsD(rv, fv);
    });
    return main + lambda * weight * mean(viewLosses);
  });
}

describe('DAG objective on a tiny D, policy rotation:0.5, lambda 0.3', () => {
  for (const own of [true, false]) {
    it(`D loss matches the hand computation, identityHasOwnHead=${own}`, async () => {
      const specs = parsePolicies('rotation:0.5');
      const convention = { identityHasOwnHead: own };
      const D = makeD(headCount(specs, convention));
      expect(D.headCount).toBe(own ? 4 : 3);
      const config: DagObjectiveConfig = {
        mode: 'dag',
        policies: buildPolicies(specs, convention),
        weight: 0.3,
      };
      await expectNoLeaks(() => {
        const r = real();
        const f = fake();
        const { loss, terms } = discriminatorLoss({
          D,
          loss: nonSaturatingLoss,
          config,
          real: r,
          fake: f,
          random: new Random(1),
        });
        expect(loss.dataSync()[0]).toBeCloseTo(handDiscriminatorLoss(D, own, 0.3, 0.5), 5);
        expect([...terms.keys()]).toContain('loss/D/dag/rotation/rotate270');
        tf.dispose([loss, r, f, ...terms.values()]);
      });
      D.dispose();
    });
  }

  it('per-view D calls (batch statistics) give the same loss as the stacked call', async () => {
    const specs = parsePolicies('rotation,cropping');
    const convention = { identityHasOwnHead: true };
    const heads = headCount(specs, convention);
    const config: DagObjectiveConfig = {
      mode: 'dag',
      policies: buildPolicies(specs, convention),
      weight: 1,
    };
    const values = [false, true].map((batchStatistics) => {
      const D = makeD(heads, batchStatistics);
      const r = real();
      const f = fake();
      const { loss, terms } = discriminatorLoss({
        D,
        loss: wassersteinLoss(10),
        config,
        real: r,
        fake: f,
        random: new Random(5),
      });
      const value = loss.dataSync()[0] as number;
      tf.dispose([loss, r, f, ...terms.values()]);
      D.dispose();
      return value;
    });
    expect(values[1]).toBeCloseTo(values[0] as number, 4);
  });

  it('G loss matches the hand computation', async () => {
    const specs = parsePolicies('rotation');
    const convention = { identityHasOwnHead: true };
    const D = makeD(headCount(specs, convention));
    const config: DagObjectiveConfig = {
      mode: 'dag',
      policies: buildPolicies(specs, convention),
      weight: 0.2,
    };
    await expectNoLeaks(() => {
      const f = fake();
      const { loss, terms } = generatorLoss({
        D,
        loss: nonSaturatingLoss,
        config,
        fake: f,
        random: new Random(1),
      });
      const expected = tf.tidy(() => {
        const g = (xs: number[]) => mean(xs.map((v) => softplus(-v)));
        const main = g(logitsOf(D, f).map((row) => row[0] as number));
        const views = [0, 1, 2, 3].map((k) =>
          g(logitsOf(D, rotate90(f, k)).map((row) => row[1 + k] as number)),
        );
        return main + 0.2 * mean(views);
      });
      expect(loss.dataSync()[0]).toBeCloseTo(expected, 5);
      tf.dispose([loss, f, ...terms.values()]);
    });
    D.dispose();
  });
});

describe("the generator DAG term carries G's gradient", () => {
  it('the DAG term alone gives G non-zero gradients', async () => {
    const random = new Random(3);
    const G = new Generator(
      { latentDim: 4, dim: 2, imageSize: 28, channels: 1, kernelSize: 4 },
      random,
    );
    const specs = parsePolicies('rotation,cropping');
    const convention = { identityHasOwnHead: false };
    const D = new MultiHeadDiscriminator(
      new LinearBackbone(28 * 28, random),
      headCount(specs, convention),
      random,
    );
    const config: DagObjectiveConfig = {
      mode: 'dag',
      policies: buildPolicies(specs, convention),
      weight: 1,
    };
    await expectNoLeaks(() => {
      const z = random.normalTensor([3, 4]) as tf.Tensor2D;
      const { value, grads } = tf.variableGrads(() => {
        const fake = G.generate(z, { training: true });
        const { loss, terms } = generatorLoss({ D, loss: nonSaturatingLoss, config, fake, random });
        const dagTerm = terms.get('loss/G/dag') as tf.Scalar;
        for (const [name, t] of terms) if (name !== 'loss/G/dag') t.dispose();
        loss.dispose();
        return dagTerm;
      }, G.params.trainable());
      const norms = Object.values(grads).map((g) =>
        tf.tidy(() => tf.norm(g).dataSync()[0] as number),
      );
      expect(norms.length).toBe(G.params.trainable().length);
      // Every weight that reaches the image gets a gradient from the DAG term.
      expect(norms.filter((n) => n > 0).length).toBeGreaterThan(norms.length / 2);
      tf.dispose([value, grads, z]);
    });
    G.dispose();
    D.dispose();
  });
});
