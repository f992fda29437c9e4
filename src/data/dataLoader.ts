import type { Tensor4D } from '../tf.js';
import { UserError } from '../errors.js';
import { Random, type RandomState } from '../random/random.js';
import type { ImageDataset } from './imageDataset.js';
import { toImageTensor } from './toImageTensor.js';

/**
 * Where a `DataLoader` stands, plain JSON for checkpoints. The permutation itself is not
 * stored: it is drawn again from `permutationState`, the generator's state just before this
 * epoch's shuffle, which also leaves the generator where the original was.
 */
export interface DataLoaderState {
  epoch: number;
  /** Position in this epoch's permutation of the next batch's first image. */
  cursor: number;
  permutationState: RandomState;
  /** Size of the dataset and of a batch when saved; a resume must use the same. */
  count: number;
  batchSize: number;
}

/** One batch: images in [-1, 1] (the caller disposes them), their labels and indices. */
export interface DataBatch {
  images: Tensor4D;
  labels: Uint8Array;
  indices: number[];
  epoch: number;
}

/**
 * Yields shuffled batches epoch after epoch: each epoch is a fresh permutation of the whole
 * dataset cut into `batchSize` pieces, and the last incomplete piece is dropped (so every batch
 * has the same shape and no image is seen twice in an epoch). The loader owns `random`: give
 * it a generator, or a stream, that nothing else draws from, or a resume will not repeat.
 */
export class DataLoader {
  readonly dataset: ImageDataset;
  readonly batchSize: number;
  private readonly random: Random;
  private permutation: number[] = [];
  private permutationState: RandomState;
  private epochIndex = 0;
  private cursor = 0;

  constructor(dataset: ImageDataset, batchSize: number, random: Random) {
    if (!Number.isInteger(batchSize) || batchSize <= 0) {
      throw new UserError(
        `DataLoader: --batch must be a positive whole number, got ${batchSize}`,
      );
    }
    if (batchSize > dataset.count) {
      throw new UserError(
        `DataLoader: --batch ${batchSize} is larger than ${dataset.source}, which holds ` +
          `${dataset.count} images; the incomplete last batch is dropped, so none would remain`,
      );
    }
    this.dataset = dataset;
    this.batchSize = batchSize;
    this.random = random;
    this.permutationState = random.state();
    this.startEpoch(0);
  }

  /** A loader that continues exactly where the one that saved `state` stood. */
  static fromState(dataset: ImageDataset, state: DataLoaderState): DataLoader {
    if (state.count !== dataset.count) {
      throw new UserError(
        `DataLoader.fromState: the saved position is for a dataset of ${state.count} images, ` +
          `but ${dataset.source} holds ${dataset.count}; resume with the same --data and ` +
          '--data-fraction',
      );
    }
    let random: Random;
    try {
      random = Random.fromState(state.permutationState);
    } catch (error) {
      const reason = (error as Error).message;
      throw new UserError(`DataLoader.fromState: corrupt saved position: ${reason}`);
    }
    const loader = new DataLoader(dataset, state.batchSize, random);
    if (!Number.isInteger(state.epoch) || state.epoch < 0) {
      throw new UserError(`DataLoader.fromState: corrupt saved position: epoch ${state.epoch}`);
    }
    if (!Number.isInteger(state.cursor) || state.cursor < 0 || state.cursor > dataset.count) {
      throw new UserError(
        `DataLoader.fromState: corrupt saved position: cursor ${state.cursor} outside ` +
          `[0, ${dataset.count}]`,
      );
    }
    loader.epochIndex = state.epoch;
    loader.cursor = state.cursor;
    return loader;
  }

  /** Full batches in one epoch. */
  get batchesPerEpoch(): number {
    return Math.floor(this.dataset.count / this.batchSize);
  }

  /** The epoch the next batch comes from, unless it starts a new one. */
  get epoch(): number {
    return this.epochIndex;
  }

  /** The position, to save in a checkpoint and give to `fromState`. */
  state(): DataLoaderState {
    return {
      epoch: this.epochIndex,
      cursor: this.cursor,
      permutationState: [...this.permutationState] as RandomState,
      count: this.dataset.count,
      batchSize: this.batchSize,
    };
  }

  /** Indices of the next batch, starting a new epoch when this one has no full batch left. */
  nextIndices(): number[] {
    if (this.cursor + this.batchSize > this.dataset.count) this.startEpoch(this.epochIndex + 1);
    const indices = this.permutation.slice(this.cursor, this.cursor + this.batchSize);
    this.cursor += this.batchSize;
    return indices;
  }

  /** The next batch as a [batch, height, width, channels] tensor in [-1, 1], with labels. */
  next(): DataBatch {
    const indices = this.nextIndices();
    const epoch = this.epochIndex;
    const labels = Uint8Array.from(indices, (i) => this.dataset.labels[i] as number);
    return { images: toImageTensor(this.dataset, indices), labels, indices, epoch };
  }

  private startEpoch(epoch: number): void {
    this.permutationState = this.random.state();
    this.permutation = this.random.shuffle(Array.from({ length: this.dataset.count }, (_, i) => i));
    this.epochIndex = epoch;
    this.cursor = 0;
  }
}
