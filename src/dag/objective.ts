import { tf } from '../tf.js';
import type { GanLoss } from '../losses/ganLoss.js';
import { gradientPenalty } from '../losses/gradientPenalty.js';
import type { MultiHeadDiscriminator } from '../models/multiHeadDiscriminator.js';
import type { Random } from '../random/random.js';
import type {
  DagObjectiveConfig,
  LossWithTerms,
  ObjectivePolicy,
  ObjectiveView,
} from './objectiveTypes.js';
import { applyRandomView } from './randomView.js';

/**
 * The DAG objective (Tran et al. 2020, eq. 9-10): besides the usual GAN loss on the main head,
 * every augmented view T_k is scored by a head of its own on the shared features, and
 *
 *   L = L_main + lambda * sum_p w_p * mean_{k in p} L_k(T_k(x), T_k(G(z)))
 *
 * for D and, with G's loss, for G. The views of a policy are stacked along the batch axis and
 * scored in one D call when the backbone has no batch statistics (identical maths, fewer calls);
 * otherwise each view gets its own call, as in the reference. The identity view's features are
 * the main pass's features, so they are never computed twice.
 */

/** Each view's logit: column `1 + head` (0 = main) of chunk `v` of a view-major stack. */
function pickColumns(logits: tf.Tensor2D, columns: number[], batch: number): tf.Tensor1D {
  const width = logits.shape[1];
  const mask = new Float32Array(columns.length * batch * width);
  columns.forEach((column, v) => {
    for (let i = 0; i < batch; i++) mask[(v * batch + i) * width + column] = 1;
  });
  return tf.sum(tf.mul(logits, tf.tensor2d(mask, [columns.length * batch, width])), 1);
}

function column(view: ObjectiveView): number {
  return view.head === null ? 0 : 1 + view.head;
}

/** Logits `[views * batch, 1 + heads]` of the given views of `images`, stacked view-major. */
function viewLogits(
  D: MultiHeadDiscriminator,
  views: readonly ObjectiveView[],
  images: tf.Tensor4D,
  random: Random,
): { stacked: tf.Tensor4D; logits: tf.Tensor2D } {
  const augmented = views.map((view) => view.augment(images, random));
  const stacked = tf.concat(augmented, 0);
  if (!D.backbone.usesBatchStatistics) return { stacked, logits: D.logits(stacked) };
  return {
    stacked,
    logits: tf.concat(
      augmented.map((x) => D.logits(x)),
      0,
    ),
  };
}

function chunk(values: tf.Tensor1D, index: number, batch: number): tf.Tensor1D {
  return tf.slice(values, [index * batch], [batch]);
}

/** Frees every intermediate; the loss and the (kept) terms survive. */
function tidyWithTerms(compute: () => LossWithTerms): LossWithTerms {
  let terms = new Map<string, tf.Scalar>();
  const loss = tf.tidy(() => {
    const result = compute();
    terms = result.terms;
    return result.loss;
  });
  return { loss, terms };
}

function keepScalar(terms: Map<string, tf.Scalar>, name: string, value: tf.Tensor): void {
  terms.set(name, tf.keep(value as tf.Scalar));
}

interface DiscriminatorInputs {
  D: MultiHeadDiscriminator;
  loss: GanLoss;
  config: DagObjectiveConfig;
  real: tf.Tensor4D;
  fake: tf.Tensor4D;
  random: Random;
}

/**
 * D's full loss. Call inside `tf.variableGrads` (the returned terms are `tf.keep`-ed so they
 * survive its scope: the caller disposes them).
 */
export function discriminatorLoss(inputs: DiscriminatorInputs): LossWithTerms {
  return tidyWithTerms(() => discriminatorLossUntidy(inputs));
}

function discriminatorLossUntidy(inputs: DiscriminatorInputs): LossWithTerms {
  const { D, loss, config, random } = inputs;
  let { real, fake } = inputs;
  const terms = new Map<string, tf.Scalar>();
  const batch = real.shape[0];
  const penalty = loss.gradientPenalty;

  if (config.mode === 'classical' || config.mode === 'diffaugment') {
    real = applyRandomView(real, config.policies, random);
    if (config.mode === 'diffaugment') fake = applyRandomView(fake, config.policies, random);
  }

  // The main head: real and fake in one call unless the backbone mixes samples.
  const both = D.backbone.usesBatchStatistics
    ? tf.concat([D.logits(real), D.logits(fake)], 0)
    : D.logits(tf.concat([real, fake], 0));
  const realLogits = tf.slice(both, [0, 0], [batch, -1]);
  const fakeLogits = tf.slice(both, [batch, 0], [batch, -1]);
  const mainHead = (logits: tf.Tensor2D) => tf.reshape(tf.slice(logits, [0, 0], [-1, 1]), [-1]);
  let main: tf.Tensor = loss.discriminator(mainHead(realLogits), mainHead(fakeLogits));
  keepScalar(terms, 'loss/D/main', main);
  if (penalty !== undefined) {
    const gp = gradientPenalty(
      (x) => D.mainLogits(x),
      real,
      fake,
      random.uniformTensor([batch]) as tf.Tensor1D,
    );
    keepScalar(terms, 'loss/D/gp/main', tf.reshape(gp, []));
    main = tf.add(main, tf.mul(penalty, tf.reshape(gp, [])));
  }
  if (config.mode !== 'dag' || config.policies.length === 0)
    return { loss: main as tf.Scalar, terms };

  let dagTerm: tf.Tensor = tf.scalar(0);
  for (const policy of config.policies) {
    const viewLosses = policyDiscriminatorLosses(
      D,
      loss,
      policy,
      real,
      fake,
      realLogits,
      fakeLogits,
      main,
      random,
    );
    policy.views.forEach((view, v) => {
      keepScalar(terms, `loss/D/dag/${policy.name}/${view.name}`, viewLosses[v] as tf.Tensor);
    });
    const policyTerm = tf.div(tf.addN(viewLosses), viewLosses.length);
    keepScalar(terms, `loss/D/dag/${policy.name}`, policyTerm);
    dagTerm = tf.add(dagTerm, tf.mul(policy.weight, policyTerm));
  }
  keepScalar(terms, 'loss/D/dag', dagTerm);
  return { loss: tf.add(main, tf.mul(config.weight, dagTerm)) as tf.Scalar, terms };
}

/** Per-view D losses of one policy, in the policy's view order (penalty included). */
function policyDiscriminatorLosses(
  D: MultiHeadDiscriminator,
  loss: GanLoss,
  policy: ObjectivePolicy,
  real: tf.Tensor4D,
  fake: tf.Tensor4D,
  realLogits: tf.Tensor2D,
  fakeLogits: tf.Tensor2D,
  mainLoss: tf.Tensor,
  random: Random,
): tf.Tensor[] {
  const batch = real.shape[0];
  const penalty = loss.gradientPenalty;
  const losses: tf.Tensor[] = new Array(policy.views.length);
  // Views that need a D call: every non-identity view, and with a penalty also the identity
  // view when it has its own head (its interpolates go through that head).
  const scored = policy.views.filter((view) => !view.isIdentity);
  const scoredIndex = policy.views.map((view) => scored.indexOf(view));

  policy.views.forEach((view, v) => {
    if (!view.isIdentity) return;
    if (view.head === null) {
      losses[v] = mainLoss; // the identity view shares the main head: its loss is the main loss
      return;
    }
    const pick = (logits: tf.Tensor2D) =>
      tf.reshape(tf.slice(logits, [0, column(view)], [-1, 1]), [-1]);
    losses[v] = loss.discriminator(pick(realLogits), pick(fakeLogits));
  });

  if (scored.length > 0) {
    const columns = scored.map(column);
    const r = viewLogits(D, scored, real, random);
    const f = viewLogits(D, scored, fake, random);
    const realPicked = pickColumns(r.logits, columns, batch);
    const fakePicked = pickColumns(f.logits, columns, batch);
    scored.forEach((_, s) => {
      const v = scoredIndex.indexOf(s);
      losses[v] = loss.discriminator(chunk(realPicked, s, batch), chunk(fakePicked, s, batch));
    });
    if (penalty !== undefined) {
      const gp = gradientPenalty(
        (x) => pickColumns(D.logits(x), columns, batch),
        r.stacked,
        f.stacked,
        random.uniformTensor([scored.length * batch]) as tf.Tensor1D,
        scored.length,
      );
      scored.forEach((_, s) => {
        const v = scoredIndex.indexOf(s);
        const gpView = tf.reshape(tf.slice(gp, [s], [1]), []);
        losses[v] = tf.add(losses[v] as tf.Tensor, tf.mul(penalty, gpView));
      });
    }
  }

  if (penalty !== undefined) {
    policy.views.forEach((view, v) => {
      if (!view.isIdentity || view.head === null) return;
      const gp = gradientPenalty(
        (x) => tf.reshape(tf.slice(D.logits(x), [0, column(view)], [-1, 1]), [-1]),
        real,
        fake,
        random.uniformTensor([batch]) as tf.Tensor1D,
      );
      losses[v] = tf.add(losses[v] as tf.Tensor, tf.mul(penalty, tf.reshape(gp, [])));
    });
  }
  return losses;
}

interface GeneratorInputs {
  D: MultiHeadDiscriminator;
  loss: GanLoss;
  config: DagObjectiveConfig;
  /** The fake batch G has just made, still connected to G's weights. */
  fake: tf.Tensor4D;
  random: Random;
}

/**
 * G's full loss. `fake` must be G's live output: the DAG term is what makes G's samples look
 * real under every view, so it has to carry G's gradient (the reference's WGAN-GP example
 * passed a detached copy and lost it). Call inside `tf.variableGrads` over G's weights only, so
 * that tfjs never computes D's weight gradients here.
 */
export function generatorLoss(inputs: GeneratorInputs): LossWithTerms {
  return tidyWithTerms(() => generatorLossUntidy(inputs));
}

function generatorLossUntidy(inputs: GeneratorInputs): LossWithTerms {
  const { D, loss, config, random } = inputs;
  let fake = inputs.fake;
  const terms = new Map<string, tf.Scalar>();
  const batch = fake.shape[0];
  if (config.mode === 'diffaugment') fake = applyRandomView(fake, config.policies, random);

  const fakeLogits = D.logits(fake);
  const main = loss.generator(tf.reshape(tf.slice(fakeLogits, [0, 0], [-1, 1]), [-1]));
  keepScalar(terms, 'loss/G/main', main);
  if (config.mode !== 'dag' || config.policies.length === 0)
    return { loss: main as tf.Scalar, terms };

  let dagTerm: tf.Tensor = tf.scalar(0);
  for (const policy of config.policies) {
    const losses: tf.Tensor[] = new Array(policy.views.length);
    const scored = policy.views.filter((view) => !view.isIdentity);
    policy.views.forEach((view, v) => {
      if (!view.isIdentity) return;
      losses[v] =
        view.head === null
          ? main
          : loss.generator(tf.reshape(tf.slice(fakeLogits, [0, column(view)], [-1, 1]), [-1]));
    });
    if (scored.length > 0) {
      const f = viewLogits(D, scored, fake, random);
      const picked = pickColumns(f.logits, scored.map(column), batch);
      scored.forEach((view, s) => {
        losses[policy.views.indexOf(view)] = loss.generator(chunk(picked, s, batch));
      });
    }
    policy.views.forEach((view, v) => {
      keepScalar(terms, `loss/G/dag/${policy.name}/${view.name}`, losses[v] as tf.Tensor);
    });
    const policyTerm = tf.div(tf.addN(losses), losses.length);
    keepScalar(terms, `loss/G/dag/${policy.name}`, policyTerm);
    dagTerm = tf.add(dagTerm, tf.mul(policy.weight, policyTerm));
  }
  keepScalar(terms, 'loss/G/dag', dagTerm);
  return { loss: tf.add(main, tf.mul(config.weight, dagTerm)) as tf.Scalar, terms };
}
