import { tf } from '../tf.js';
import { featureMatrix, type FeatureMatrix } from '../metrics/featureMatrix.js';
import type { FeatureExtractor } from './featureExtractor.js';

/** Features of a set of images, and class probabilities when asked for. */
export interface ExtractedFeatures {
  features: FeatureMatrix;
  /** `[samples, classes]` row-major, when requested and the extractor has them. */
  probabilities?: Float64Array;
  classes?: number;
}

/**
 * Runs `extractor` over `count` images that `batchAt(start, size)` makes (a
 * `[size, height, width, channels]` tensor in [-1, 1], disposed here), `batch` at a time.
 */
export function extractFeatures(
  extractor: FeatureExtractor,
  count: number,
  batchAt: (start: number, size: number) => tf.Tensor4D,
  { batch = 200, probabilities = false }: { batch?: number; probabilities?: boolean } = {},
): ExtractedFeatures {
  const dims = extractor.dims;
  const features = new Float32Array(count * dims);
  const wantProbabilities = probabilities && extractor.probabilities !== undefined;
  const classes = extractor.classes ?? 0;
  const probs = wantProbabilities ? new Float64Array(count * classes) : undefined;
  for (let start = 0; start < count; start += batch) {
    const size = Math.min(batch, count - start);
    const images = batchAt(start, size);
    try {
      const f = extractor.features(images);
      if (f.shape[0] !== size || f.shape[1] !== dims) {
        f.dispose();
        throw new Error(
          `extractFeatures: ${extractor.name} returned [${f.shape.join(', ')}], expected ` +
            `[${size}, ${dims}]`,
        );
      }
      features.set(f.dataSync() as Float32Array, start * dims);
      f.dispose();
      if (probs !== undefined && extractor.probabilities !== undefined) {
        const p = extractor.probabilities(images);
        probs.set(p.dataSync(), start * classes);
        p.dispose();
      }
    } finally {
      images.dispose();
    }
  }
  return {
    features: featureMatrix(features, count, dims, `${extractor.name} features`),
    ...(probs !== undefined ? { probabilities: probs, classes } : {}),
  };
}
