import { beforeAll, describe, expect, it } from 'vitest';
import { UserError } from '../../src/errors.js';
import { DataLoader, type DataLoaderState } from '../../src/data/dataLoader.js';
import type { ImageDataset } from '../../src/data/imageDataset.js';
import { toImageTensor } from '../../src/data/toImageTensor.js';
import { Random } from '../../src/random/random.js';
import { expectClose, expectNoLeaks, useBackend } from '../helpers.js';

beforeAll(() => useBackend('cpu'));

/** `count` images of 1x1x1 whose pixel is the index; label index % 3. */
function indexDataset(count: number): ImageDataset {
  return {
    images: Uint8Array.from({ length: count }, (_, i) => i),
    labels: Uint8Array.from({ length: count }, (_, i) => i % 3),
    count,
    height: 1,
    width: 1,
    channels: 1,
    classCount: 3,
    source: 'indices',
  };
}

describe('toImageTensor', () => {
  it('toImageTensor [3,1,2,1] maps 0..255 to [-1, 1]', async () => {
    await expectNoLeaks(() => {
      const dataset: ImageDataset = {
        images: Uint8Array.of(0, 255, 51, 102, 204, 153),
        labels: Uint8Array.of(0, 1, 0),
        count: 3,
        height: 1,
        width: 2,
        channels: 1,
        classCount: 2,
        source: 't',
      };
      const tensor = toImageTensor(dataset, [2, 0]);
      expect(tensor.shape).toEqual([2, 1, 2, 1]);
      expect(tensor.dtype).toBe('float32');
      // 204 / 127.5 - 1 = 0.6, 153 / 127.5 - 1 = 0.2, 0 -> -1, 255 -> 1.
      expectClose(tensor.dataSync(), [0.6, 0.2, -1, 1], { atol: 1e-6 });
      tensor.dispose();
    });
  });

  it('rejects an index out of range', () => {
    expect(() => toImageTensor(indexDataset(4), [4])).toThrow(
      'toImageTensor: expected indices in [0, 4), got 4',
    );
  });
});

describe('DataLoader', () => {
  it('count=10 batch=3: epoch 0 is Random(5).shuffle(0..9) cut in 3, last image dropped', () => {
    const loader = new DataLoader(indexDataset(10), 3, new Random(5));
    const expected = new Random(5).shuffle(Array.from({ length: 10 }, (_, i) => i));
    expect(loader.batchesPerEpoch).toBe(3);
    const epoch0 = [loader.nextIndices(), loader.nextIndices(), loader.nextIndices()];
    expect(epoch0).toEqual([expected.slice(0, 3), expected.slice(3, 6), expected.slice(6, 9)]);
    expect(loader.epoch).toBe(0);
    const first1 = loader.nextIndices();
    expect(loader.epoch).toBe(1);
    const epoch1 = [first1, loader.nextIndices(), loader.nextIndices()].flat();
    expect(new Set(epoch1).size).toBe(9);
    expect(epoch1).not.toEqual(epoch0.flat());
  });

  it('state round trip count=10 batch=3 through JSON gives the same following batches', () => {
    for (const skip of [0, 2, 3, 4, 7]) {
      const original = new DataLoader(indexDataset(10), 3, new Random(11, 2));
      for (let i = 0; i < skip; i++) original.nextIndices();
      const saved = JSON.parse(JSON.stringify(original.state())) as DataLoaderState;
      const resumed = DataLoader.fromState(indexDataset(10), saved);
      const a = Array.from({ length: 8 }, () => original.nextIndices());
      const b = Array.from({ length: 8 }, () => resumed.nextIndices());
      expect(b, `after ${skip} batches`).toEqual(a);
      expect(resumed.state()).toEqual(original.state());
    }
  });

  it('next() count=6 batch=2 gives [2,1,1,1] images matching labels without leaks', async () => {
    await expectNoLeaks(() => {
      const loader = new DataLoader(indexDataset(6), 2, new Random(3));
      for (let i = 0; i < 4; i++) {
        const batch = loader.next();
        expect(batch.images.shape).toEqual([2, 1, 1, 1]);
        const values = Array.from(batch.images.dataSync());
        expectClose(values, batch.indices.map((index) => index / 127.5 - 1));
        expect(Array.from(batch.labels)).toEqual(batch.indices.map((index) => index % 3));
        expect(batch.epoch).toBe(i < 3 ? 0 : 1);
        batch.images.dispose();
      }
    });
  });

  it('rejects a batch larger than the dataset and a state for another dataset size', () => {
    expect(() => new DataLoader(indexDataset(4), 5, new Random(0))).toThrow(UserError);
    expect(() => new DataLoader(indexDataset(4), 0, new Random(0))).toThrow(
      'DataLoader: --batch must be a positive whole number, got 0',
    );
    const state = new DataLoader(indexDataset(10), 3, new Random(0)).state();
    expect(() => DataLoader.fromState(indexDataset(9), state)).toThrow(
      'DataLoader.fromState: the saved position is for a dataset of 10 images, but indices ' +
        'holds 9; resume with the same --data and --data-fraction',
    );
    expect(() => DataLoader.fromState(indexDataset(10), { ...state, cursor: 11 })).toThrow(
      'corrupt saved position: cursor 11 outside [0, 10]',
    );
  });
});
