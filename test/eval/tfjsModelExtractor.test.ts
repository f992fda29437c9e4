import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { tf } from '../../src/tf.js';
import { UserError } from '../../src/errors.js';
import { modelFolderSaver } from '../../src/eval/nodeModelFiles.js';
import { loadTfjsExtractor } from '../../src/eval/tfjsModelExtractor.js';
import { loadExtractor } from '../../src/eval/loadExtractor.js';
import { Random } from '../../src/random/random.js';
import { expectClose, expectNoLeaks, useBackend } from '../helpers.js';

beforeAll(async () => useBackend('cpu'));

/** Seeded values for a weight of `count` numbers. */
function values(count: number, seed: number): Float32Array {
  return Float32Array.from(new Random(seed).uniformArray(count), (u) => u - 0.5);
}

/** x W + b for row-major x [n, k], W [k, m]. */
function affine(
  x: ArrayLike<number>,
  n: number,
  k: number,
  w: ArrayLike<number>,
  b: ArrayLike<number>,
  m: number,
): number[] {
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < m; j++) {
      let s = b[j] as number;
      for (let t = 0; t < k; t++) s += (x[i * k + t] as number) * (w[t * m + j] as number);
      out.push(s);
    }
  }
  return out;
}

describe('tfjs model extractor', () => {
  it('layers model flatten+dense(3) input=[4,4,3] range=0,1 gray->RGB: features match x W + b', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'dag-tfjs-'));
    const w = values(48 * 3, 1);
    const b = values(3, 2);
    const model = tf.sequential({
      layers: [tf.layers.flatten({ inputShape: [4, 4, 3] }), tf.layers.dense({ units: 3 })],
    });
    model.layers[1]?.setWeights([tf.tensor2d(w, [48, 3]), tf.tensor1d(b)]);
    await model.save(modelFolderSaver(folder));
    model.dispose();
    expect(JSON.parse(readFileSync(join(folder, 'model.json'), 'utf8')).format).toBe(
      'layers-model',
    );

    const extractor = await loadTfjsExtractor(folder, { valueRange: '0,1' });
    expect(extractor.dims).toBe(3);
    expect(extractor.preprocessing).toContain('[0,1]');
    expect(extractor.weightsHash).toMatch(/^[0-9a-f]{64}$/);
    const gray = Float32Array.from(new Random(3).uniformArray(2 * 16), (u) => 2 * u - 1);
    // The model sees (x + 1) / 2, the gray value repeated in each of the 3 channels.
    const rgb: number[] = [];
    for (let i = 0; i < 32; i++)
      for (let c = 0; c < 3; c++) rgb.push(((gray[i] as number) + 1) / 2);
    const expected = affine(rgb, 2, 48, w, b, 3);
    await expectNoLeaks(() => {
      const images = tf.tensor4d(gray, [2, 4, 4, 1]);
      const f = extractor.features(images);
      expect(f.shape).toEqual([2, 3]);
      expectClose(f.dataSync(), expected, { rtol: 1e-5, atol: 1e-6 });
      tf.dispose([images, f]);
    });
    expect(() => extractor.probabilities?.(tf.zeros([1, 4, 4, 1]) as tf.Tensor4D)).toThrow(
      UserError,
    );
    extractor.dispose();
  });

  it('two-output model [features 3, logits 2] input=[2,2,1] size=2: softmax of the second output', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'dag-tfjs2-'));
    const w1 = values(4 * 3, 4);
    const b1 = values(3, 5);
    const w2 = values(3 * 2, 6);
    const b2 = values(2, 7);
    const input = tf.input({ shape: [2, 2, 1] });
    const flat = tf.layers.flatten().apply(input) as tf.SymbolicTensor;
    const dense1 = tf.layers.dense({ units: 3 });
    const dense2 = tf.layers.dense({ units: 2 });
    const features = dense1.apply(flat) as tf.SymbolicTensor;
    const logits = dense2.apply(features) as tf.SymbolicTensor;
    const model = tf.model({ inputs: input, outputs: [features, logits] });
    dense1.setWeights([tf.tensor2d(w1, [4, 3]), tf.tensor1d(b1)]);
    dense2.setWeights([tf.tensor2d(w2, [3, 2]), tf.tensor1d(b2)]);
    await model.save(modelFolderSaver(folder));
    model.dispose();

    const extractor = await loadExtractor(folder);
    expect(extractor.classes).toBe(2);
    const x = [0.5, -0.25, 1, -1];
    const f = affine(x, 1, 4, w1, b1, 3);
    const z = affine(f, 1, 3, w2, b2, 2);
    const m = Math.max(...z);
    const e = z.map((v) => Math.exp(v - m));
    const p = e.map((v) => v / ((e[0] as number) + (e[1] as number)));
    await expectNoLeaks(() => {
      const images = tf.tensor4d(x, [1, 2, 2, 1]);
      const features = extractor.features(images);
      const probabilities = extractor.probabilities?.(images) as tf.Tensor2D;
      expectClose(features.dataSync(), f, { rtol: 1e-5, atol: 1e-6 });
      expectClose(probabilities.dataSync(), p, { rtol: 1e-5, atol: 1e-6 });
      tf.dispose([images, features, probabilities]);
    });
    extractor.dispose();
  });

  it('a folder without model.json is a UserError naming --extractor', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'dag-tfjs3-'));
    await expect(loadExtractor(folder)).rejects.toThrow(/--extractor .*no model.json/);
  });

  it('default extractor on 32x32x3 images: UserError pointing at --extractor PATH', async () => {
    await expect(
      loadExtractor('default', { image: { height: 32, width: 32, channels: 3 } }),
    ).rejects.toThrow(/28x28x1.*--extractor PATH/);
  });
});
