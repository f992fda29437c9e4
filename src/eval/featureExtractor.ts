import type { tf } from '../tf.js';
import type { Provenance } from '../metrics/featureMatrix.js';

/**
 * A network that embeds images for the sample-quality metrics. Every metric result carries
 * `name`, `weightsHash` and `preprocessing`, because each of them changes the numbers: FIDs
 * from different extractors (or the same one fed differently) are not comparable.
 */
export interface FeatureExtractor {
  /** Short name, e.g. `fashion-mnist-classifier` or the folder of a user model. */
  readonly name: string;
  /** SHA-256 of the weights (and, for tfjs models, of model.json). */
  readonly weightsHash: string;
  /** How images are prepared: size, value range, channels, e.g. `28x28x1, [-1, 1]`. */
  readonly preprocessing: string;
  /** Length of a feature vector. */
  readonly dims: number;
  /** Number of classes of `probabilities`, when it exists. */
  readonly classes?: number;
  /** Images `[batch, height, width, channels]` in [-1, 1] -> float32 `[batch, dims]`. */
  features(images: tf.Tensor4D): tf.Tensor2D;
  /** Images in [-1, 1] -> class probabilities `[batch, classes]` (rows sum to 1). */
  probabilities?(images: tf.Tensor4D): tf.Tensor2D;
  /** Frees the extractor's weights. */
  dispose(): void;
}

/** The provenance fields that name an extractor in metric results and cache keys. */
export function extractorProvenance(extractor: FeatureExtractor): Provenance {
  return {
    extractor: extractor.name,
    extractorWeightsSha256: extractor.weightsHash,
    preprocessing: extractor.preprocessing,
    featureDims: extractor.dims,
  };
}
