import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { UserError } from '../../src/errors.js';
import {
  decodeIdxImages,
  decodeIdxLabels,
  encodeIdx,
  isGzip,
  readIdxImages,
  readIdxLabels,
} from '../../src/data/idx.js';
import { IMAGES_MAGIC, LABELS_MAGIC, idxBytes } from './idxBytes.js';

const folder = mkdtempSync(join(tmpdir(), 'dag-gan-idx-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

function expectUserError(fn: () => unknown, message: string): void {
  let caught: unknown;
  try {
    fn();
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(UserError);
  expect((caught as Error).message).toBe(message);
}

describe('IDX decoding', () => {
  it('decodeIdxImages count=2 rows=2 cols=3 raw', () => {
    const pixels = Uint8Array.of(0, 1, 2, 3, 4, 5, 250, 251, 252, 253, 254, 255);
    const result = decodeIdxImages(idxBytes(IMAGES_MAGIC, [2, 2, 3], pixels), 'x');
    expect([result.count, result.rows, result.cols]).toEqual([2, 2, 3]);
    expect(Array.from(result.images)).toEqual(Array.from(pixels));
  });

  it('decodeIdxLabels count=4 raw', () => {
    const labels = decodeIdxLabels(idxBytes(LABELS_MAGIC, [4], Uint8Array.of(9, 0, 3, 7)), 'y');
    expect(Array.from(labels)).toEqual([9, 0, 3, 7]);
  });

  it('readIdxImages detects gzip by magic bytes, not by name', () => {
    const bytes = idxBytes(IMAGES_MAGIC, [3, 2, 2], 12);
    const gzippedNoSuffix = join(folder, 'gzipped-images-idx3-ubyte');
    const rawWithSuffix = join(folder, 'raw-images-idx3-ubyte.gz');
    writeFileSync(gzippedNoSuffix, gzipSync(bytes));
    writeFileSync(rawWithSuffix, bytes);
    for (const path of [gzippedNoSuffix, rawWithSuffix]) {
      const result = readIdxImages(path);
      expect([result.count, result.rows, result.cols]).toEqual([3, 2, 2]);
      expect(Array.from(result.images)).toEqual(Array.from({ length: 12 }, (_, i) => i));
    }
    expect(isGzip(gzipSync(bytes))).toBe(true);
    expect(isGzip(bytes)).toBe(false);
  });

  it('readIdxLabels gzipped count=5', () => {
    const path = join(folder, 'labels.gz');
    writeFileSync(path, gzipSync(idxBytes(LABELS_MAGIC, [5], Uint8Array.of(1, 2, 3, 4, 5))));
    expect(Array.from(readIdxLabels(path))).toEqual([1, 2, 3, 4, 5]);
  });

  it('encodeIdx shape=[2,1,2] matches hand-built bytes', () => {
    const pixels = Uint8Array.of(7, 8, 9, 10);
    expect(Array.from(encodeIdx([2, 1, 2], pixels))).toEqual(
      Array.from(idxBytes(IMAGES_MAGIC, [2, 1, 2], pixels)),
    );
    expect(Array.from(encodeIdx([2, 1, 2], pixels).subarray(0, 8))).toEqual([0, 0, 8, 3, 0, 0, 0, 2]);
  });
});

describe('IDX errors', () => {
  it('wrong magic 0x12340803', () => {
    expectUserError(
      () => decodeIdxImages(idxBytes([0x12, 0x34, 8, 3], [1, 1, 1], 1), 'f.idx'),
      'f.idx: not an IDX file: magic number 0x12340803, expected 0x000008NN ' +
        '(00 00, a type code, a dimension count)',
    );
  });

  it('image file whose magic declares 9 dimensions (0x00000809)', () => {
    const bytes = new Uint8Array([0, 0, 8, 9, 0, 0, 0x17, 0x70, 0, 0, 0, 28, 0, 0, 0, 28, 1, 2]);
    expectUserError(
      () => decodeIdxImages(bytes, 'f.idx'),
      'f.idx: expected an IDX image file with 3 dimensions [count, rows, cols] ' +
        '(magic 0x00000803), got 9 dimensions',
    );
  });

  it('wrong element type float32 (0x0d)', () => {
    expectUserError(
      () => decodeIdxImages(idxBytes([0, 0, 0x0d, 3], [1, 1, 1], 4), 'f.idx'),
      'f.idx: wrong element type: float32 (0x0d), expected unsigned byte (0x08) as in the MNIST family',
    );
  });

  it('truncated payload 3 images of 28x28 with 1000 bytes', () => {
    expectUserError(
      () => decodeIdxImages(idxBytes(IMAGES_MAGIC, [3, 28, 28], 1000), 'train-images-idx3-ubyte.gz'),
      'train-images-idx3-ubyte.gz: truncated: header says 3 images of 28x28 (2352 bytes) ' +
        'but only 1000 bytes follow',
    );
  });

  it('truncated labels 10 labels with 4 bytes', () => {
    expectUserError(
      () => decodeIdxLabels(idxBytes(LABELS_MAGIC, [10], 4), 'l'),
      'l: truncated: header says 10 labels (10 bytes) but only 4 bytes follow',
    );
  });

  it('truncated header: 3 dimensions but 10 bytes', () => {
    const bytes = idxBytes(IMAGES_MAGIC, [3, 28, 28], 0).subarray(0, 10);
    expectUserError(
      () => decodeIdxImages(bytes, 'h'),
      'h: truncated: a header of 3 dimensions needs 16 bytes but the file holds 10',
    );
  });

  it('too short to hold a magic number (2 bytes)', () => {
    expectUserError(
      () => decodeIdxImages(Uint8Array.of(0, 0), 's'),
      's: not an IDX file: it holds only 2 bytes',
    );
  });

  it('extra bytes after the payload', () => {
    expectUserError(
      () => decodeIdxLabels(idxBytes(LABELS_MAGIC, [3], 5), 'e'),
      'e: corrupt: header says 3 labels (3 bytes) but 5 bytes follow (2 too many)',
    );
  });

  it('wrong dimensions count: labels file read as images, images file read as labels', () => {
    expectUserError(
      () => decodeIdxImages(idxBytes(LABELS_MAGIC, [4], 4), 'labels-as-images'),
      'labels-as-images: expected an IDX image file with 3 dimensions [count, rows, cols] ' +
        '(magic 0x00000803), got 1 dimension',
    );
    expectUserError(
      () => decodeIdxLabels(idxBytes(IMAGES_MAGIC, [1, 2, 2], 4), 'images-as-labels'),
      'images-as-labels: expected an IDX label file with 1 dimension [count] ' +
        '(magic 0x00000801), got 3 dimensions',
    );
  });

  it('empty image file [0, 28, 28]', () => {
    expectUserError(
      () => decodeIdxImages(idxBytes(IMAGES_MAGIC, [0, 28, 28], 0), 'z'),
      'z: holds no pixels: header says [0, 28, 28]',
    );
  });

  it('corrupt gzip stream and a missing file name the file', () => {
    const path = join(folder, 'broken.gz');
    writeFileSync(path, Uint8Array.of(0x1f, 0x8b, 8, 0, 1, 2, 3, 4, 5, 6, 7));
    expect(() => readIdxImages(path)).toThrow(UserError);
    expect(() => readIdxImages(path)).toThrow(new RegExp(`^${path}: corrupt gzip data: `));
    const missing = join(folder, 'nope');
    expect(() => readIdxLabels(missing)).toThrow(`${missing}: cannot read: ENOENT`);
  });
});
