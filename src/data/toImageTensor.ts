import { tf } from '../tf.js';
import type { Tensor4D } from '../tf.js';
import { assert } from '../errors.js';
import { imageSize, type ImageDataset } from './imageDataset.js';

/**
 * The images at `indices` as a float32 [batch, height, width, channels] tensor in [-1, 1]
 * (pixel / 127.5 - 1), the range of a tanh generator's output. The caller disposes it.
 */
export function toImageTensor(dataset: ImageDataset, indices: readonly number[]): Tensor4D {
  assert(indices.length > 0, () => 'toImageTensor: expected at least one index, got none');
  const size = imageSize(dataset);
  const values = new Float32Array(indices.length * size);
  indices.forEach((index, i) => {
    assert(
      Number.isInteger(index) && index >= 0 && index < dataset.count,
      () => `toImageTensor: expected indices in [0, ${dataset.count}), got ${index}`,
    );
    const offset = index * size;
    const out = i * size;
    for (let j = 0; j < size; j++) {
      values[out + j] = (dataset.images[offset + j] as number) / 127.5 - 1;
    }
  });
  return tf.tensor4d(values, [indices.length, dataset.height, dataset.width, dataset.channels]);
}
