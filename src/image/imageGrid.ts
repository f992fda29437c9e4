import type { Tensor4D } from '../tf.js';
import { writeFileAtomic } from '../io/atomicWrite.js';
import { encodePng } from './pngEncoder.js';
import type { RawImage } from './rawImage.js';

/**
 * Value of the padding and of empty cells. White, because the MNIST family draws on black and
 * a black border would make neighbouring samples run into each other.
 */
export const GRID_BACKGROUND = 255;

/** A picture of a whole batch: PNG bytes and the picture's size in pixels. */
export interface ImageGrid {
  png: Uint8Array;
  width: number;
  height: number;
}

/**
 * Tiles a batch [batch, height, width, channels] (1 or 3 channels, values in [-1, 1]) into one
 * 8-bit picture, row by row, `columns` images across (default: ceil(sqrt(batch)), never more
 * than the batch), with `padding` pixels of `GRID_BACKGROUND` around and between the images.
 * Values outside [-1, 1] are clipped and NaN shows as black. The tensor is not disposed.
 */
export function tileImages(images: Tensor4D, columns?: number, padding = 2): RawImage {
  if (images.rank !== 4) {
    throw new Error(
      'imageGrid: expected a rank-4 [batch, height, width, channels] tensor, ' +
        `got rank ${images.rank}`,
    );
  }
  const [batch, height, width, channels] = images.shape;
  if (channels !== 1 && channels !== 3) {
    throw new Error(`imageGrid: expected 1 or 3 channels, got shape [${images.shape.join(', ')}]`);
  }
  if (batch === 0 || height === 0 || width === 0) {
    throw new Error(
      `imageGrid: expected a non-empty batch, got shape [${images.shape.join(', ')}]`,
    );
  }
  if (columns !== undefined && !(Number.isInteger(columns) && columns > 0)) {
    throw new Error(`imageGrid: expected a positive whole number of columns, got ${columns}`);
  }
  if (!(Number.isInteger(padding) && padding >= 0)) {
    throw new Error(`imageGrid: expected a whole padding of 0 or more pixels, got ${padding}`);
  }
  const across = Math.min(columns ?? Math.ceil(Math.sqrt(batch)), batch);
  const down = Math.ceil(batch / across);
  const gridWidth = across * width + (across + 1) * padding;
  const gridHeight = down * height + (down + 1) * padding;
  const pixels = new Uint8Array(gridWidth * gridHeight * channels).fill(GRID_BACKGROUND);
  const values = images.dataSync();
  for (let n = 0; n < batch; n++) {
    const left = padding + (n % across) * (width + padding);
    const top = padding + Math.floor(n / across) * (height + padding);
    for (let y = 0; y < height; y++) {
      const source = (n * height + y) * width * channels;
      const target = ((top + y) * gridWidth + left) * channels;
      for (let i = 0; i < width * channels; i++) {
        pixels[target + i] = toByte(values[source + i] as number);
      }
    }
  }
  return { width: gridWidth, height: gridHeight, channels, pixels };
}

/** [-1, 1] to 0..255, rounding to nearest; NaN becomes 0. */
function toByte(value: number): number {
  const scaled = Math.round((value + 1) * 127.5);
  if (!(scaled > 0)) return 0;
  return scaled > 255 ? 255 : scaled;
}

/** `tileImages` encoded as a PNG (gray for 1 channel, RGB for 3). */
export function imageGrid(images: Tensor4D, columns?: number, padding = 2): ImageGrid {
  const tiled = tileImages(images, columns, padding);
  return { png: encodePng(tiled), width: tiled.width, height: tiled.height };
}

/** Writes `imageGrid(images, columns, padding)` to `path` atomically; returns its size. */
export function writeImageGrid(
  path: string,
  images: Tensor4D,
  columns?: number,
  padding = 2,
): { width: number; height: number } {
  const { png, width, height } = imageGrid(images, columns, padding);
  writeFileAtomic(path, png);
  return { width, height };
}
