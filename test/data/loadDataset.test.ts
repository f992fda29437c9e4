import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { UserError } from '../../src/errors.js';
import { classCounts } from '../../src/data/imageDataset.js';
import {
  DEBIAN_FASHION_MNIST_DIR,
  embeddedDatasetDir,
  loadDataset,
} from '../../src/data/loadDataset.js';
import { packageRoot } from '../../src/data/packageRoot.js';
import { IMAGES_MAGIC, LABELS_MAGIC, idxBytes } from './idxBytes.js';

const root = mkdtempSync(join(tmpdir(), 'dag-gan-load-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function makeFolder(name: string, files: Record<string, Uint8Array>): string {
  const folder = join(root, name);
  mkdirSync(folder, { recursive: true });
  for (const [file, bytes] of Object.entries(files)) writeFileSync(join(folder, file), bytes);
  return folder;
}

describe('loadDataset --data DIR', () => {
  // 3 train images of 2x2 (pixels 0..11), labels 2, 0, 1; 2 test images of 2x2, labels 4, 4.
  const folder = makeFolder('tiny', {
    'train-images-idx3-ubyte.gz': gzipSync(idxBytes(IMAGES_MAGIC, [3, 2, 2], 12)),
    'train-labels-idx1-ubyte': idxBytes(LABELS_MAGIC, [3], Uint8Array.of(2, 0, 1)),
    't10k-images-idx3-ubyte': idxBytes(IMAGES_MAGIC, [2, 2, 2], 8),
    't10k-labels-idx1-ubyte.gz': gzipSync(idxBytes(LABELS_MAGIC, [2], Uint8Array.of(4, 4))),
  });

  it('train split count=3 [2,2,1] mixed raw and gzipped', () => {
    const dataset = loadDataset({ data: folder, split: 'train' });
    expect([dataset.count, dataset.height, dataset.width, dataset.channels]).toEqual([3, 2, 2, 1]);
    expect(dataset.classCount).toBe(3);
    expect(Array.from(dataset.labels)).toEqual([2, 0, 1]);
    expect(Array.from(dataset.images)).toEqual(Array.from({ length: 12 }, (_, i) => i));
    expect(dataset.source).toBe(`${folder} (train)`);
  });

  it('test split reads t10k-* count=2 classCount=5', () => {
    const dataset = loadDataset({ data: folder, split: 'test' });
    expect(dataset.count).toBe(2);
    expect(dataset.classCount).toBe(5);
    expect(Array.from(dataset.labels)).toEqual([4, 4]);
  });

  it('missing folder and missing files are UserErrors naming them', () => {
    const absent = join(root, 'absent');
    expect(() => loadDataset({ data: absent, split: 'train' })).toThrow(
      new UserError(`--data ${absent}: no such folder`),
    );
    const half = makeFolder('half', {
      'train-labels-idx1-ubyte': idxBytes(LABELS_MAGIC, [1], 1),
    });
    expect(() => loadDataset({ data: half, split: 'train' })).toThrow(
      `--data ${half}: missing train-images-idx3-ubyte[.gz] for the train split; the folder ` +
        'must hold IDX files of the MNIST family (train-* for training, t10k-* for testing)',
    );
    expect(() => loadDataset({ data: half, split: 'test' })).toThrow(
      `--data ${half}: missing t10k-images-idx3-ubyte[.gz] and t10k-labels-idx1-ubyte[.gz] ` +
        'for the test split',
    );
  });

  it('image/label count mismatch names both files', () => {
    const mismatch = makeFolder('mismatch', {
      'train-images-idx3-ubyte': idxBytes(IMAGES_MAGIC, [3, 1, 1], 3),
      'train-labels-idx1-ubyte': idxBytes(LABELS_MAGIC, [2], 2),
    });
    let caught: unknown;
    try {
      loadDataset({ data: mismatch, split: 'train' });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(UserError);
    expect((caught as Error).message).toBe(
      `${join(mismatch, 'train-images-idx3-ubyte')}: holds 3 images but ` +
        `${join(mismatch, 'train-labels-idx1-ubyte')} holds 2 labels; ` +
        'the two files must come from the same split',
    );
  });

  it('a corrupt file inside the folder is reported with its path', () => {
    const bad = makeFolder('bad', {
      'train-images-idx3-ubyte': idxBytes(IMAGES_MAGIC, [60000, 28, 28], 1000),
      'train-labels-idx1-ubyte': idxBytes(LABELS_MAGIC, [1], 1),
    });
    expect(() => loadDataset({ data: bad, split: 'train' })).toThrow(
      `${join(bad, 'train-images-idx3-ubyte')}: truncated: header says 60000 images of 28x28 ` +
        '(47040000 bytes) but only 1000 bytes follow',
    );
  });
});

describe('loadDataset embedded fashion-mnist-subset', () => {
  it('train split without --data: 6000 images of [28,28,1], 600 per class', () => {
    const dataset = loadDataset({ split: 'train' });
    expect([dataset.count, dataset.height, dataset.width, dataset.channels]).toEqual([6000, 28, 28, 1]);
    expect(dataset.classCount).toBe(10);
    expect(classCounts(dataset)).toEqual(new Array(10).fill(600));
    expect(dataset.images.length).toBe(6000 * 784);
    expect(dataset.source).toBe('fashion-mnist-subset (train)');
    // Real photographs of clothing: both black background and bright pixels occur.
    let max = 0;
    for (const p of dataset.images.subarray(0, 784 * 10)) max = Math.max(max, p);
    expect(max).toBeGreaterThan(200);
  });

  it('test split by name: 2000 images, 200 per class', () => {
    const dataset = loadDataset({ data: 'fashion-mnist-subset', split: 'test' });
    expect(dataset.count).toBe(2000);
    expect(classCounts(dataset)).toEqual(new Array(10).fill(200));
  });

  it('the embedded folder sits beside package.json with README and LICENSE', () => {
    const pkg = JSON.parse(readFileSync(join(packageRoot(), 'package.json'), 'utf8')) as {
      name: string;
    };
    expect(pkg.name).toBe('dag-gan');
    expect(embeddedDatasetDir()).toBe(join(packageRoot(), 'data', 'fashion-mnist-subset'));
    expect(readFileSync(join(embeddedDatasetDir(), 'LICENSE'), 'utf8')).toContain('Zalando SE');
    expect(existsSync(join(embeddedDatasetDir(), 'README.md'))).toBe(true);
  });
});

describe('loadDataset fashion-mnist-full', () => {
  it.runIf(!existsSync(DEBIAN_FASHION_MNIST_DIR))('absent: says how to install it', () => {
    expect(() => loadDataset({ data: 'fashion-mnist-full', split: 'train' })).toThrow(
      /apt-get install dataset-fashion-mnist`, or pass --data DIR/,
    );
  });

  it.runIf(existsSync(DEBIAN_FASHION_MNIST_DIR))('present: test split has 10000 images', () => {
    expect(loadDataset({ data: 'fashion-mnist-full', split: 'test' }).count).toBe(10000);
  });
});
