import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { tf } from '../../src/tf.js';
import {
  EVAL_NOISE_STREAM,
  evalScalars,
  evaluateGenerator,
} from '../../src/eval/evaluateGenerator.js';
import { realFeatures } from '../../src/eval/realFeatures.js';
import { featureMatrix } from '../../src/metrics/featureMatrix.js';
import { frechetDistance } from '../../src/metrics/frechetDistance.js';
import { Generator } from '../../src/models/generator.js';
import { Random } from '../../src/random/random.js';
import { expectClose, expectNoLeaks, useBackend } from '../helpers.js';
import { stubExtractor } from './stubExtractor.js';

beforeAll(async () => useBackend('cpu'));

describe('evaluateGenerator', () => {
  it('dim=4 28x28x1 samples=40 stub extractor: FID and floor equal FIDs of directly made features', async () => {
    const cacheDir = mkdtempSync(join(tmpdir(), 'dag-evalgen-'));
    const extractor = stubExtractor();
    const generator = new Generator(
      { latentDim: 8, dim: 4, imageSize: 28, channels: 1, kernelSize: 4 },
      new Random(1),
    );
    await expectNoLeaks(async () => {
      const result = await evaluateGenerator(generator, {
        extractor,
        samples: 40,
        seed: 3,
        kidSubsets: 3,
        kidSubsetSize: 20,
        cacheDir,
      });
      // The same 40 samples, drawn here in one batch.
      const z = new Random(3, EVAL_NOISE_STREAM).normalTensor([40, 8]) as tf.Tensor2D;
      const images = generator.generate(z, { training: false });
      const f = extractor.features(images);
      const fake = featureMatrix(f.dataSync() as Float32Array, 40, 3);
      tf.dispose([z, images, f]);
      const test = realFeatures({ extractor, split: 'test', samples: 40, cacheDir });
      const train = realFeatures({ extractor, split: 'train', samples: 40, cacheDir });
      expect(test.fromCache && train.fromCache).toBe(true);
      const direct = await frechetDistance(test.features, fake);
      const floor = await frechetDistance(train.features, test.features);
      expectClose([result.fid], [direct.value], { rtol: 1e-6, atol: 1e-9 });
      expectClose([result.floor?.fid ?? NaN], [floor.value], { rtol: 1e-6, atol: 1e-9 });
      expect(result.provenance).toMatchObject({
        extractor: 'stub',
        extractorWeightsSha256: '0'.repeat(64),
        preprocessing: 'none',
        realSplit: 'test',
        realSamples: 40,
        fakeSamples: 40,
        realSource: 'fashion-mnist-subset (test)',
        kidSubsets: 3,
        kidSubsetSize: 20,
      });
      expect(result.inceptionScore).toBeGreaterThanOrEqual(1);
      expect(result.inceptionScore).toBeLessThanOrEqual(2);
      expect(Object.keys(evalScalars(result)).sort()).toEqual([
        'metrics/fid',
        'metrics/floor_fid',
        'metrics/is',
        'metrics/kid',
        'metrics/precision',
        'metrics/recall',
      ]);
    });
    generator.dispose();
  });
});
