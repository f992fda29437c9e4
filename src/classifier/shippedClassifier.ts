import { join } from 'node:path';
import { packageRoot } from '../data/packageRoot.js';

/** Folder of the Fashion-MNIST classifier shipped with dag-gan, relative to the package. */
export const SHIPPED_CLASSIFIER = join('models', 'fashion-mnist-classifier');

/** The shipped classifier's folder inside the installed package. */
export function shippedClassifierDir(): string {
  return join(packageRoot(), SHIPPED_CLASSIFIER);
}

/** Name of the file beside the weights that records their measured test accuracy. */
export const ACCURACY_FILE = 'accuracy.json';

/** What `accuracy.json` records. */
export interface AccuracyRecord {
  accuracy: number;
  correct: number;
  total: number;
  /** The test set it was measured on (dataset source and split). */
  testSet: string;
  weightsSha256: string;
  training: Record<string, unknown>;
}
