import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { tf } from '../../src/tf.js';
import { classifierAccuracy } from '../../src/classifier/classifierAccuracy.js';
import { ClassifierNetwork } from '../../src/classifier/classifierNetwork.js';
import { loadClassifier, saveClassifier } from '../../src/classifier/classifierWeights.js';
import {
  shippedClassifierDir,
  type AccuracyRecord,
} from '../../src/classifier/shippedClassifier.js';
import { trainClassifier } from '../../src/classifier/trainClassifier.js';
import { checkDataset, type ImageDataset } from '../../src/data/imageDataset.js';
import { loadDataset } from '../../src/data/loadDataset.js';
import { UserError } from '../../src/errors.js';
import { Random } from '../../src/random/random.js';
import { expectClose, expectNoLeaks, useBackend } from '../helpers.js';

beforeAll(async () => useBackend('cpu'));

const TINY = {
  imageSize: 8,
  channels: 1,
  classes: 2,
  widths: [4, 4, 8] as [number, number, number],
  featureSize: 8,
};

/** 8x8 images: class 0 lights the left half, class 1 the right half, plus seeded noise. */
function halvesDataset(count: number, seed: number): ImageDataset {
  const random = new Random(seed);
  const images = new Uint8Array(count * 64);
  const labels = new Uint8Array(count);
  for (let i = 0; i < count; i++) {
    const label = i % 2;
    labels[i] = label;
    for (let y = 0; y < 8; y++) {
      for (let x = 0; x < 8; x++) {
        const lit = x < 4 === (label === 0);
        images[i * 64 + y * 8 + x] = Math.round((lit ? 180 : 40) + 60 * random.uniform());
      }
    }
  }
  return checkDataset({
    images,
    labels,
    count,
    height: 8,
    width: 8,
    channels: 1,
    classCount: 2,
    source: 'halves',
  });
}

describe('classifier', () => {
  it('shipped weights: accuracy on the first 500 embedded test images within 3 points of accuracy.json', async () => {
    const record = JSON.parse(
      readFileSync(join(shippedClassifierDir(), 'accuracy.json'), 'utf8'),
    ) as AccuracyRecord;
    expect(record.total).toBe(10000);
    const { network, manifest } = loadClassifier(shippedClassifierDir());
    expect(manifest.sha256).toBe(record.weightsSha256);
    const test = loadDataset({ split: 'test' });
    await expectNoLeaks(() => {
      const result = classifierAccuracy(network, test, { limit: 500 });
      expect(result.total).toBe(500);
      expect(Math.abs(result.accuracy - record.accuracy)).toBeLessThan(0.03);
    });
    network.dispose();
  });

  it('save/load round trip widths=[4,4,8] features=8: same logits; a changed weights.bin is refused', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'dag-classifier-'));
    const network = new ClassifierNetwork(TINY, new Random(3));
    const sha = saveClassifier(network, folder, { note: 'test' });
    const { network: loaded, manifest } = loadClassifier(folder);
    expect(manifest.sha256).toBe(sha);
    await expectNoLeaks(() => {
      const x = new Random(4).uniformTensor([3, 8, 8, 1]) as tf.Tensor4D;
      const a = network.logits(x);
      const b = loaded.logits(x);
      expect(a.shape).toEqual([3, 2]);
      expectClose(b.dataSync(), a.dataSync(), { rtol: 0, atol: 0 });
      tf.dispose([x, a, b]);
    });
    network.dispose();
    loaded.dispose();
    const bytes = readFileSync(join(folder, 'weights.bin'));
    bytes[0] = (bytes[0] as number) ^ 1;
    writeFileSync(join(folder, 'weights.bin'), bytes);
    expect(() => loadClassifier(folder)).toThrow(UserError);
    expect(() => loadClassifier(folder)).toThrow(/does not match/);
  });

  it('trainClassifier halves 8x8 steps=100 batch=16: learns left/right above 95% on held-out images', async () => {
    const network = trainClassifier(halvesDataset(64, 1), {
      steps: 100,
      batch: 16,
      learningRate: 3e-3,
      seed: 2,
      architecture: TINY,
    });
    await expectNoLeaks(() => {
      const { accuracy } = classifierAccuracy(network, halvesDataset(40, 9));
      expect(accuracy).toBeGreaterThan(0.95);
    });
    network.dispose();
  });

  it('features of the shipped classifier: [4, 128], non-negative (after ReLU), batch-independent', async () => {
    const { network } = loadClassifier(shippedClassifierDir());
    const test = loadDataset({ split: 'test' });
    await expectNoLeaks(() => {
      const four = imagesOf(test, [0, 1, 2, 3]);
      const one = imagesOf(test, [2]);
      const f4 = network.features(four);
      const f1 = network.features(one);
      expect(f4.shape).toEqual([4, 128]);
      const all = f4.dataSync();
      expect(Math.min(...all)).toBeGreaterThanOrEqual(0);
      expectClose(f1.dataSync(), all.slice(256, 384), { rtol: 1e-5, atol: 1e-5 });
      tf.dispose([four, one, f4, f1]);
    });
    network.dispose();
  });
});

function imagesOf(dataset: ImageDataset, indices: number[]): tf.Tensor4D {
  const values = new Float32Array(indices.length * 784);
  indices.forEach((index, i) => {
    for (let j = 0; j < 784; j++)
      values[i * 784 + j] = (dataset.images[index * 784 + j] as number) / 127.5 - 1;
  });
  return tf.tensor4d(values, [indices.length, 28, 28, 1]);
}
