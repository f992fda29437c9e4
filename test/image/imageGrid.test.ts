import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tf } from '../../src/tf.js';
import { imageGrid, tileImages, writeImageGrid } from '../../src/image/imageGrid.js';
import { decodePng } from '../../src/image/pngDecoder.js';
import { expectNoLeaks, useBackend } from '../helpers.js';

beforeAll(() => useBackend('cpu'));
const folder = mkdtempSync(join(tmpdir(), 'dag-gan-grid-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

describe('imageGrid', () => {
  it('tileImages x=[3,2,2,1] columns=2 padding=1: 7x7 with white padding and empty cell', async () => {
    await expectNoLeaks(() => {
      // Image n has values that map to bytes: -1 -> 0, 1 -> 255, 0 -> 128, clipped 2 -> 255,
      // clipped -3 -> 0, NaN -> 0, 0.6 -> round(204) = 204.
      const values = [
        [-1, 1, 0, 2],
        [-3, Number.NaN, 0.6, -1],
        [1, 1, -1, -1],
      ].flat();
      const images = tf.tensor4d(values, [3, 2, 2, 1]);
      const grid = tileImages(images, 2, 1);
      images.dispose();
      expect([grid.width, grid.height, grid.channels]).toEqual([7, 7, 1]);
      const W = 255;
      expect(Array.from(grid.pixels)).toEqual(
        [
          [W, W, W, W, W, W, W],
          [W, 0, 255, W, 0, 0, W],
          [W, 128, 255, W, 204, 0, W],
          [W, W, W, W, W, W, W],
          [W, 255, 255, W, W, W, W],
          [W, 0, 0, W, W, W, W],
          [W, W, W, W, W, W, W],
        ].flat(),
      );
    });
  });

  it('imageGrid x=[5,3,2,3] default columns=3 padding=2 decodes to the tiled RGB pixels', async () => {
    await expectNoLeaks(() => {
      const images = tf.tidy(() =>
        tf.reshape(tf.sub(tf.div(tf.range(0, 90), 45), 1), [5, 3, 2, 3]),
      );
      const expected = tileImages(images as tf.Tensor4D, undefined, 2);
      const grid = imageGrid(images as tf.Tensor4D);
      images.dispose();
      // 3 columns of 2 plus 4 paddings of 2; 2 rows of 3 plus 3 paddings of 2.
      expect([grid.width, grid.height]).toEqual([14, 12]);
      const decoded = decodePng(grid.png);
      expect([decoded.width, decoded.height, decoded.channels]).toEqual([14, 12, 3]);
      expect(Array.from(decoded.pixels)).toEqual(Array.from(expected.pixels));
      // First pixel of image 0 (value -1) sits at (2, 2); image 1 starts at x = 2 + 2 + 2.
      expect(Array.from(decoded.pixels.subarray((2 * 14 + 2) * 3, (2 * 14 + 2) * 3 + 3))).toEqual([
        0, 3, 6,
      ]);
    });
  });

  it('columns=8 with a batch of 2 shrinks to 2 columns', async () => {
    await expectNoLeaks(() => {
      const images = tf.zeros([2, 1, 1, 1]) as tf.Tensor4D;
      const grid = tileImages(images, 8, 0);
      images.dispose();
      expect([grid.width, grid.height]).toEqual([2, 1]);
      expect(Array.from(grid.pixels)).toEqual([128, 128]);
    });
  });

  it('rejects rank 3 and 2 channels', async () => {
    await expectNoLeaks(() => {
      const rank3 = tf.zeros([2, 2, 1]);
      const twoChannels = tf.zeros([1, 2, 2, 2]);
      expect(() => imageGrid(rank3 as unknown as tf.Tensor4D)).toThrow(
        'imageGrid: expected a rank-4 [batch, height, width, channels] tensor, got rank 3',
      );
      expect(() => imageGrid(twoChannels as tf.Tensor4D)).toThrow(
        'imageGrid: expected 1 or 3 channels, got shape [1, 2, 2, 2]',
      );
      rank3.dispose();
      twoChannels.dispose();
    });
  });

  it('writeImageGrid x=[4,2,2,1] writes a decodable PNG', async () => {
    await expectNoLeaks(() => {
      const images = tf.fill([4, 2, 2, 1], -1) as tf.Tensor4D;
      const path = join(folder, 'sub', 'grid.png');
      expect(writeImageGrid(path, images, 2)).toEqual({ width: 10, height: 10 });
      images.dispose();
      const decoded = decodePng(readFileSync(path), path);
      expect([decoded.width, decoded.height]).toEqual([10, 10]);
      expect([decoded.pixels[0], decoded.pixels[2 * 10 + 2], decoded.pixels[2 * 10 + 4]]).toEqual([
        255, 0, 255,
      ]);
    });
  });
});
