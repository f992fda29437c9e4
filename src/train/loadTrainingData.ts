import { UserError } from '../errors.js';
import type { ImageDataset } from '../data/imageDataset.js';
import { loadDataset } from '../data/loadDataset.js';
import { takeFraction } from '../data/takeFraction.js';
import { Random } from '../random/random.js';
import type { TrainConfig } from './trainConfig.js';

/** Stream of the generator that picks the `--data-fraction` subset. */
const FRACTION_STREAM = 6;

/** The training images of a run: `--data` (or the embedded set), cut to `--data-fraction`. */
export function loadTrainingData(config: TrainConfig): ImageDataset {
  const full = loadDataset({ ...(config.data ? { data: config.data } : {}), split: 'train' });
  if (!(config.dataFraction > 0 && config.dataFraction <= 1)) {
    throw new UserError(`--data-fraction: expected a number in (0, 1], got ${config.dataFraction}`);
  }
  if (config.dataFraction === 1) return full;
  return takeFraction(full, config.dataFraction, new Random(config.seed, FRACTION_STREAM));
}
