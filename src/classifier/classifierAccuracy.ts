import { tf } from '../tf.js';
import type { ImageDataset } from '../data/imageDataset.js';
import { toImageTensor } from '../data/toImageTensor.js';
import type { ClassifierNetwork } from './classifierNetwork.js';

/** Share of `dataset`'s images (the first `limit`, all by default) the network labels right. */
export function classifierAccuracy(
  network: ClassifierNetwork,
  dataset: ImageDataset,
  { limit = dataset.count, batch = 250 }: { limit?: number; batch?: number } = {},
): { accuracy: number; correct: number; total: number } {
  const total = Math.min(limit, dataset.count);
  let correct = 0;
  for (let start = 0; start < total; start += batch) {
    const indices = Array.from({ length: Math.min(batch, total - start) }, (_, i) => start + i);
    const predicted = tf.tidy(() => {
      const images = toImageTensor(dataset, indices);
      return tf.argMax(network.logits(images), 1);
    });
    const labels = predicted.dataSync();
    predicted.dispose();
    indices.forEach((index, i) => {
      if (labels[i] === dataset.labels[index]) correct += 1;
    });
  }
  return { accuracy: total === 0 ? 0 : correct / total, correct, total };
}
