import { assert } from '../errors.js';

/**
 * Labelled images held in memory as bytes. Pixels are [count, height, width, channels]
 * row-major, 0..255; `labels[i]` is the class of image i, in [0, classCount).
 */
export interface ImageDataset {
  images: Uint8Array;
  labels: Uint8Array;
  count: number;
  height: number;
  width: number;
  channels: number;
  classCount: number;
  /** Where the images came from, for logs and run records (a folder or a dataset name). */
  source: string;
}

/** Bytes of one image. */
export function imageSize(dataset: ImageDataset): number {
  return dataset.height * dataset.width * dataset.channels;
}

/** Checks that the fields agree with each other; a failure is a bug in whoever built it. */
export function checkDataset(dataset: ImageDataset): ImageDataset {
  const { count, height, width, channels, classCount } = dataset;
  assert(
    [count, height, width, channels, classCount].every((n) => Number.isInteger(n) && n > 0),
    () =>
      `ImageDataset: expected positive integer sizes, got count ${count}, ` +
      `[height, width, channels] [${height}, ${width}, ${channels}], classCount ${classCount}`,
  );
  assert(
    dataset.images.length === count * imageSize(dataset),
    () =>
      `ImageDataset: expected ${count * imageSize(dataset)} pixel bytes for ` +
      `[${count}, ${height}, ${width}, ${channels}], got ${dataset.images.length}`,
  );
  assert(
    dataset.labels.length === count,
    () => `ImageDataset: expected ${count} labels, got ${dataset.labels.length}`,
  );
  return dataset;
}

/** How many images each class holds: `counts[c]` for c in [0, classCount). */
export function classCounts(dataset: ImageDataset): number[] {
  const counts = new Array<number>(dataset.classCount).fill(0);
  for (const label of dataset.labels) counts[label] = (counts[label] ?? 0) + 1;
  return counts;
}

/**
 * The images at `indices`, in that order, as a new dataset with copied bytes (so the original
 * can be dropped). `source` is kept unless a new one is given.
 */
export function selectImages(
  dataset: ImageDataset,
  indices: readonly number[],
  source = dataset.source,
): ImageDataset {
  const size = imageSize(dataset);
  const images = new Uint8Array(indices.length * size);
  const labels = new Uint8Array(indices.length);
  indices.forEach((index, i) => {
    assert(
      Number.isInteger(index) && index >= 0 && index < dataset.count,
      () => `selectImages: index ${index} is outside [0, ${dataset.count})`,
    );
    images.set(dataset.images.subarray(index * size, (index + 1) * size), i * size);
    labels[i] = dataset.labels[index] as number;
  });
  return checkDataset({ ...dataset, images, labels, count: indices.length, source });
}
