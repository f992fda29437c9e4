import { deflateSync } from 'node:zlib';
import { crc32 } from './crc32.js';
import { COLOR_TYPE_OF_CHANNELS, PNG_FILTER, PNG_SIGNATURE, paeth } from './pngFormat.js';
import type { RawImage } from './rawImage.js';

/** Row filter: one of PNG's five for every row, or `'adaptive'` to choose per row. */
export type PngFilterChoice = 'adaptive' | 0 | 1 | 2 | 3 | 4;

/**
 * Encodes an 8-bit image as a non-interlaced PNG: gray, gray+alpha, RGB or RGBA for 1, 2, 3 or
 * 4 channels. `'adaptive'` (the default) filters each row with whichever filter gives the
 * smallest sum of absolute signed bytes, the usual heuristic for smaller files.
 */
export function encodePng(image: RawImage, filter: PngFilterChoice = 'adaptive'): Uint8Array {
  const { width, height, channels, pixels } = image;
  const colorType = COLOR_TYPE_OF_CHANNELS[channels];
  if (colorType === undefined) {
    throw new Error(`encodePng: expected 1, 2, 3 or 4 channels, got ${channels}`);
  }
  for (const [what, size] of [
    ['width', width],
    ['height', height],
  ] as const) {
    if (!Number.isInteger(size) || size <= 0 || size > 0x7fffffff) {
      throw new Error(`encodePng: expected a positive whole ${what}, got ${size}`);
    }
  }
  if (pixels.length !== width * height * channels) {
    throw new Error(
      `encodePng: expected ${width * height * channels} bytes for [${height}, ${width}, ` +
        `${channels}], got ${pixels.length}`,
    );
  }
  const header = new Uint8Array(13);
  const headerView = new DataView(header.buffer);
  headerView.setUint32(0, width);
  headerView.setUint32(4, height);
  header[8] = 8; // bit depth
  header[9] = colorType;
  // Bytes 10-12 stay 0: deflate compression, adaptive filtering, no interlace.
  const idat = deflateSync(filterRows(image, filter));
  return concat([
    PNG_SIGNATURE,
    chunk('IHDR', header),
    chunk('IDAT', idat),
    chunk('IEND', new Uint8Array(0)),
  ]);
}

function filterRows(image: RawImage, choice: PngFilterChoice): Uint8Array {
  const { width, height, channels, pixels } = image;
  const stride = width * channels;
  const out = new Uint8Array(height * (stride + 1));
  const candidates = Array.from({ length: 5 }, () => new Uint8Array(stride));
  const zeroRow = new Uint8Array(stride);
  for (let y = 0; y < height; y++) {
    const row = pixels.subarray(y * stride, (y + 1) * stride);
    const above = y === 0 ? zeroRow : pixels.subarray((y - 1) * stride, y * stride);
    let best: number = choice === 'adaptive' ? 0 : choice;
    if (choice === 'adaptive') {
      let bestCost = Infinity;
      for (let type = 0; type < 5; type++) {
        const cost = filterRow(type, row, above, channels, candidates[type] as Uint8Array);
        if (cost < bestCost) {
          bestCost = cost;
          best = type;
        }
      }
    } else {
      filterRow(best, row, above, channels, candidates[best] as Uint8Array);
    }
    out[y * (stride + 1)] = best;
    out.set(candidates[best] as Uint8Array, y * (stride + 1) + 1);
  }
  return out;
}

/** Writes one filtered row into `out` and returns its sum of absolute signed bytes. */
function filterRow(
  type: number,
  row: Uint8Array,
  above: Uint8Array,
  bpp: number,
  out: Uint8Array,
): number {
  let cost = 0;
  for (let i = 0; i < row.length; i++) {
    const x = row[i] as number;
    const left = i >= bpp ? (row[i - bpp] as number) : 0;
    const up = above[i] as number;
    const upperLeft = i >= bpp ? (above[i - bpp] as number) : 0;
    let predicted = 0;
    if (type === PNG_FILTER.sub) predicted = left;
    else if (type === PNG_FILTER.up) predicted = up;
    else if (type === PNG_FILTER.average) predicted = (left + up) >> 1;
    else if (type === PNG_FILTER.paeth) predicted = paeth(left, up, upperLeft);
    const value = (x - predicted) & 0xff;
    out[i] = value;
    cost += value < 128 ? value : 256 - value;
  }
  return cost;
}

/** A chunk: length, 4-letter type, data, and the CRC of type and data. */
function chunk(type: string, data: Uint8Array): Uint8Array {
  const out = new Uint8Array(12 + data.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, data.length);
  for (let i = 0; i < 4; i++) out[4 + i] = type.charCodeAt(i);
  out.set(data, 8);
  view.setUint32(8 + data.length, crc32(out.subarray(4, 8 + data.length)));
  return out;
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}
