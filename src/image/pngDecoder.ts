import { inflateSync } from 'node:zlib';
import { UserError } from '../errors.js';
import { crc32 } from './crc32.js';
import { CHANNELS_OF_COLOR_TYPE, PNG_FILTER, PNG_SIGNATURE, paeth } from './pngFormat.js';
import type { RawImage } from './rawImage.js';

/**
 * Decodes an 8-bit, non-interlaced PNG of colour type gray, gray+alpha, RGB or RGBA; palette
 * images, other bit depths and interlacing are refused. Every chunk's CRC is checked.
 * Ancillary chunks (gamma, text, ...) are skipped, so colours come back as stored. `name`
 * (usually the path) starts every error message.
 */
export function decodePng(bytes: Uint8Array, name = 'PNG'): RawImage {
  const fail: (what: string) => never = (what) => {
    throw new UserError(`${name}: ${what}`);
  };
  if (bytes.length < 8 || PNG_SIGNATURE.some((b, i) => bytes[i] !== b)) {
    fail('not a PNG file: the 8-byte PNG signature is missing');
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let offset = 8;
  let header: { width: number; height: number; channels: number } | undefined;
  const idat: Uint8Array[] = [];
  let ended = false;
  while (!ended) {
    if (offset + 12 > bytes.length) fail('truncated: the file ends before the IEND chunk');
    const length = view.getUint32(offset);
    const type = String.fromCharCode(...bytes.subarray(offset + 4, offset + 8));
    if (offset + 12 + length > bytes.length) {
      fail(`truncated: chunk ${type} declares ${length} bytes but the file ends first`);
    }
    const data = bytes.subarray(offset + 8, offset + 8 + length);
    const stored = view.getUint32(offset + 8 + length);
    if (crc32(bytes.subarray(offset + 4, offset + 8 + length)) !== stored) {
      fail(`corrupt: CRC mismatch in chunk ${type} at byte ${offset}`);
    }
    if (header === undefined && type !== 'IHDR') fail(`corrupt: first chunk is ${type}, not IHDR`);
    if (type === 'IHDR') {
      if (header !== undefined) fail('corrupt: a second IHDR chunk');
      header = readHeader(data, fail);
    } else if (type === 'IDAT') {
      idat.push(data);
    } else if (type === 'IEND') {
      ended = true;
    } else if (type === 'PLTE') {
      // A suggested palette for true-colour images; meaningless here.
    } else if ((type.charCodeAt(0) & 0x20) === 0) {
      fail(`unsupported critical chunk ${type}`);
    }
    offset += 12 + length;
  }
  if (header === undefined) return fail('corrupt: no IHDR chunk');
  if (idat.length === 0) fail('corrupt: no IDAT chunk');
  let filtered: Uint8Array;
  try {
    filtered = inflateSync(concat(idat));
  } catch (error) {
    return fail(`corrupt image data: ${(error as Error).message}`);
  }
  const { width, height, channels } = header;
  const stride = width * channels;
  if (filtered.length !== height * (stride + 1)) {
    fail(
      `corrupt: image data holds ${filtered.length} bytes, expected ${height * (stride + 1)} ` +
        `for ${width}x${height} with ${channels} channels`,
    );
  }
  return { width, height, channels, pixels: unfilter(filtered, width, height, channels, fail) };
}

function readHeader(
  data: Uint8Array,
  fail: (what: string) => never,
): { width: number; height: number; channels: number } {
  if (data.length !== 13) fail(`corrupt: IHDR holds ${data.length} bytes, expected 13`);
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const width = view.getUint32(0);
  const height = view.getUint32(4);
  const depth = data[8] as number;
  const colorType = data[9] as number;
  const compression = data[10] as number;
  const filter = data[11] as number;
  const interlace = data[12] as number;
  if (width === 0 || height === 0) fail(`corrupt: image size ${width}x${height}`);
  const channels = CHANNELS_OF_COLOR_TYPE[colorType];
  if (channels === undefined) {
    fail(`unsupported colour type ${colorType}: only gray, gray+alpha, RGB and RGBA are read`);
  }
  if (depth !== 8) fail(`unsupported bit depth ${depth}: only 8-bit PNGs are read`);
  if (compression !== 0 || filter !== 0) {
    fail(`corrupt: unknown compression ${compression} or filter method ${filter}`);
  }
  if (interlace !== 0) fail('unsupported: interlaced (Adam7) PNGs are not read');
  return { width, height, channels: channels as number };
}

function unfilter(
  filtered: Uint8Array,
  width: number,
  height: number,
  bpp: number,
  fail: (what: string) => never,
): Uint8Array {
  const stride = width * bpp;
  const out = new Uint8Array(height * stride);
  for (let y = 0; y < height; y++) {
    const type = filtered[y * (stride + 1)] as number;
    const source = y * (stride + 1) + 1;
    const row = y * stride;
    const above = row - stride;
    for (let i = 0; i < stride; i++) {
      const left = i >= bpp ? (out[row + i - bpp] as number) : 0;
      const up = y > 0 ? (out[above + i] as number) : 0;
      const upperLeft = y > 0 && i >= bpp ? (out[above + i - bpp] as number) : 0;
      let predicted: number;
      if (type === PNG_FILTER.none) predicted = 0;
      else if (type === PNG_FILTER.sub) predicted = left;
      else if (type === PNG_FILTER.up) predicted = up;
      else if (type === PNG_FILTER.average) predicted = (left + up) >> 1;
      else if (type === PNG_FILTER.paeth) predicted = paeth(left, up, upperLeft);
      else return fail(`corrupt: row ${y} has unknown filter type ${type}`);
      out[row + i] = ((filtered[source + i] as number) + predicted) & 0xff;
    }
  }
  return out;
}

function concat(parts: Uint8Array[]): Uint8Array {
  if (parts.length === 1) return parts[0] as Uint8Array;
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}
