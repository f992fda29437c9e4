import { mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadDataset } from '../../src/data/loadDataset.js';
import { realFeatures } from '../../src/eval/realFeatures.js';
import { expectClose, expectNoLeaks, useBackend } from '../helpers.js';
import { stubExtractor } from './stubExtractor.js';

beforeAll(async () => useBackend('cpu'));

describe('real feature cache', () => {
  it('embedded test split samples=2000 (all): features match a direct computation; second call reads the cache', async () => {
    const cacheDir = mkdtempSync(join(tmpdir(), 'dag-cache-'));
    const extractor = stubExtractor();
    await expectNoLeaks(() => {
      const first = realFeatures({ extractor, split: 'test', samples: 2000, cacheDir });
      expect(first.fromCache).toBe(false);
      expect(extractor.calls).toBe(2000);
      expect(first.features.samples).toBe(2000);
      // Direct: image i's mean pixel in [-1, 1], mean square, share above 0.
      const test = loadDataset({ split: 'test' });
      const expected: number[] = [];
      for (const i of [0, 1999]) {
        let sum = 0;
        let squares = 0;
        let above = 0;
        for (let j = 0; j < 784; j++) {
          const v = (test.images[i * 784 + j] as number) / 127.5 - 1;
          sum += v;
          squares += v * v;
          if (v > 0) above += 1;
        }
        expected.push(sum / 784, squares / 784, above / 784);
      }
      const got = [
        ...first.features.data.slice(0, 3),
        ...first.features.data.slice(1999 * 3, 2000 * 3),
      ];
      expectClose(got, expected, { rtol: 1e-5, atol: 1e-6 });

      const mtime = statSync(first.file).mtimeMs;
      const second = realFeatures({ extractor, split: 'test', samples: 2000, cacheDir });
      expect(second.fromCache).toBe(true);
      expect(extractor.calls).toBe(2000); // not recomputed
      expect(statSync(second.file).mtimeMs).toBe(mtime);
      expect(second.file).toBe(first.file);
      expectClose(second.features.data, first.features.data, { rtol: 1e-7, atol: 0 });
    });
  });

  it('cache key: another sample count, split or extractor hash computes anew', async () => {
    const cacheDir = mkdtempSync(join(tmpdir(), 'dag-cache2-'));
    const extractor = stubExtractor();
    await expectNoLeaks(() => {
      const a = realFeatures({ extractor, split: 'train', samples: 30, cacheDir });
      const b = realFeatures({ extractor, split: 'train', samples: 40, cacheDir });
      const c = realFeatures({ extractor, split: 'test', samples: 30, cacheDir });
      const other = { ...stubExtractor(), weightsHash: '1'.repeat(64) };
      const d = realFeatures({ extractor: other, split: 'train', samples: 30, cacheDir });
      expect([a.fromCache, b.fromCache, c.fromCache, d.fromCache]).toEqual([
        false,
        false,
        false,
        false,
      ]);
      expect(new Set([a.file, b.file, c.file, d.file]).size).toBe(4);
      expect(a.features.samples).toBe(30);
      expect(a.key.samples).toBe(30);
      expect(realFeatures({ extractor, split: 'train', samples: 30, cacheDir }).fromCache).toBe(
        true,
      );
    });
  });
});
