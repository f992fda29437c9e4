import type { tf } from '../tf.js';
import type { Random } from '../random/random.js';

/** One augmented view as the DAG objective sees it. */
export interface ObjectiveView {
  /** Name for logs, e.g. `rotate90`; terms are logged as `loss/D/dag/<policy>/<name>`. */
  readonly name: string;
  /** True for the view that returns its input unchanged. */
  readonly isIdentity: boolean;
  /** Index of this view's DAG head (0-based, after the main head), or null for the main head. */
  readonly head: number | null;
  /** Applies the view to `[batch, height, width, channels]` (the same shape back). */
  augment(images: tf.Tensor4D, random: Random): tf.Tensor4D;
}

/** A policy: its views and its weight w_p in the DAG term. */
export interface ObjectivePolicy {
  readonly name: string;
  readonly weight: number;
  readonly views: readonly ObjectiveView[];
}

/** How D and G are trained with the views. */
export const AUGMENTATION_MODES = ['dag', 'diffaugment', 'classical', 'none'] as const;
export type AugmentationMode = (typeof AUGMENTATION_MODES)[number];

export interface DagObjectiveConfig {
  mode: AugmentationMode;
  policies: readonly ObjectivePolicy[];
  /** lambda: weight of the DAG term against the main loss (0.2 in WGAN-GP's reference). */
  weight: number;
}

/** A loss and its parts, each a scalar; the parts are kept alive for logging (dispose them). */
export interface LossWithTerms {
  loss: tf.Scalar;
  terms: Map<string, tf.Scalar>;
}
