import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { UserError } from '../errors.js';
import { CLASSIFIER_MANIFEST } from '../classifier/classifierWeights.js';
import { classifierExtractor } from './classifierExtractor.js';
import type { FeatureExtractor } from './featureExtractor.js';
import { loadTfjsExtractor, type TfjsPreprocessing } from './tfjsModelExtractor.js';

/** The image shape an extractor will be fed, to pick or check the default. */
export interface ImageShape {
  height: number;
  width: number;
  channels: number;
}

/**
 * The extractor `--extractor SPEC` names: `default` (the shipped Fashion-MNIST classifier, for
 * 28x28 gray images of the MNIST family), a dag-gan classifier folder (classifier.json), or a
 * TensorFlow.js model folder (model.json) prepared as `preprocessing` says.
 */
export async function loadExtractor(
  spec: string,
  { image, preprocessing = {} }: { image?: ImageShape; preprocessing?: TfjsPreprocessing } = {},
): Promise<FeatureExtractor> {
  if (spec === 'default') {
    if (
      image !== undefined &&
      !(image.height === 28 && image.width === 28 && image.channels === 1)
    ) {
      throw new UserError(
        `--extractor default: the shipped classifier reads 28x28x1 images (the MNIST family), ` +
          `got ${image.height}x${image.width}x${image.channels}; pass --extractor PATH with a ` +
          'TensorFlow.js model (e.g. a converted Inception-v3) and its --extractor-* flags',
      );
    }
    return classifierExtractor();
  }
  if (existsSync(join(spec, CLASSIFIER_MANIFEST))) {
    const extractor = classifierExtractor(spec);
    return extractor;
  }
  return loadTfjsExtractor(spec, preprocessing);
}
