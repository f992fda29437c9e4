import { inflateSync, deflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { UserError } from '../../src/errors.js';
import { crc32 } from '../../src/image/crc32.js';
import { decodePng } from '../../src/image/pngDecoder.js';
import { encodePng, type PngFilterChoice } from '../../src/image/pngEncoder.js';
import { Random } from '../../src/random/random.js';

const SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

/** A chunk built by hand: big-endian length, type, data, CRC of type and data. */
function chunk(type: string, data: number[] | Uint8Array): number[] {
  const body = [...Array.from(type, (c) => c.charCodeAt(0)), ...data];
  const be32 = (v: number): number[] => [v >>> 24, (v >>> 16) & 255, (v >>> 8) & 255, v & 255];
  return [...be32(data.length), ...body, ...be32(crc32(Uint8Array.from(body)))];
}

function ihdr(width: number, height: number, colorType: number, depth = 8, interlace = 0) {
  const be32 = (v: number): number[] => [v >>> 24, (v >>> 16) & 255, (v >>> 8) & 255, v & 255];
  return chunk('IHDR', [...be32(width), ...be32(height), depth, colorType, 0, 0, interlace]);
}

describe('encodePng', () => {
  it('1x1 gray 0x80: signature, IHDR with CRC 3a7e9b55, IDAT of [filter 0, 0x80], IEND', () => {
    const png = encodePng({ width: 1, height: 1, channels: 1, pixels: Uint8Array.of(0x80) }, 0);
    const bytes = Array.from(png);
    expect(bytes.slice(0, 8)).toEqual(SIGNATURE);
    expect(bytes.slice(8, 33)).toEqual([
      0,
      0,
      0,
      13,
      0x49,
      0x48,
      0x44,
      0x52, // length 13, "IHDR"
      0,
      0,
      0,
      1,
      0,
      0,
      0,
      1, // width 1, height 1
      8,
      0,
      0,
      0,
      0, // 8-bit, gray, deflate, filter method 0, no interlace
      0x3a,
      0x7e,
      0x9b,
      0x55, // CRC-32 of "IHDR" and the 13 bytes
    ]);
    const idatLength = (png[33]! << 24) | (png[34]! << 16) | (png[35]! << 8) | png[36]!;
    expect(bytes.slice(37, 41)).toEqual([0x49, 0x44, 0x41, 0x54]); // "IDAT"
    const idat = png.subarray(41, 41 + idatLength);
    expect(Array.from(inflateSync(idat))).toEqual([0, 0x80]);
    expect(bytes.slice(45 + idatLength)).toEqual([
      0, 0, 0, 0, 0x49, 0x45, 0x4e, 0x44, 0xae, 0x42, 0x60, 0x82,
    ]);
    expect(png.length).toBe(45 + idatLength + 12);
  });

  it('1x1 RGBA and RGB headers carry colour types 6 and 2 with their known CRCs', () => {
    const rgba = encodePng({ width: 1, height: 1, channels: 4, pixels: Uint8Array.of(1, 2, 3, 4) });
    expect(Array.from(rgba.subarray(24, 33))).toEqual([8, 6, 0, 0, 0, 0x1f, 0x15, 0xc4, 0x89]);
    const rgb = encodePng({ width: 1, height: 1, channels: 3, pixels: Uint8Array.of(1, 2, 3) });
    expect(Array.from(rgb.subarray(24, 33))).toEqual([8, 2, 0, 0, 0, 0x90, 0x77, 0x53, 0xde]);
  });

  it('rejects 5 channels and a wrong pixel count', () => {
    expect(() =>
      encodePng({ width: 1, height: 1, channels: 5, pixels: new Uint8Array(5) }),
    ).toThrow('encodePng: expected 1, 2, 3 or 4 channels, got 5');
    expect(() =>
      encodePng({ width: 2, height: 2, channels: 1, pixels: new Uint8Array(3) }),
    ).toThrow('encodePng: expected 4 bytes for [2, 2, 1], got 3');
  });
});

describe('PNG round trip', () => {
  const filters: PngFilterChoice[] = ['adaptive', 0, 1, 2, 3, 4];
  for (const channels of [1, 2, 3, 4]) {
    for (const filter of filters) {
      it(`encode then decode width=5 height=3 channels=${channels} filter=${filter}`, () => {
        const random = new Random(channels * 10 + (filter === 'adaptive' ? 9 : filter));
        const pixels = Uint8Array.from({ length: 5 * 3 * channels }, () => random.int(256));
        const png = encodePng({ width: 5, height: 3, channels, pixels }, filter);
        const decoded = decodePng(png);
        expect([decoded.width, decoded.height, decoded.channels]).toEqual([5, 3, channels]);
        expect(Array.from(decoded.pixels)).toEqual(Array.from(pixels));
      });
    }
  }
});

describe('decodePng', () => {
  it('hand-filtered 2x4 gray with Sub, Paeth, Average, Up rows and two IDAT chunks', () => {
    // Pixels [[10, 20], [30, 45], [50, 60], [55, 70]]; filtered by hand:
    // Sub: 10, 20-10. Paeth: 30-up(10), 45-left(30). Average: 50-floor(30/2), 60-floor(95/2).
    // Up: 55-50, 70-60.
    const filtered = Uint8Array.of(1, 10, 10, 4, 20, 15, 3, 35, 13, 2, 5, 10);
    const compressed = deflateSync(filtered);
    const png = Uint8Array.from([
      ...SIGNATURE,
      ...ihdr(2, 4, 0),
      ...chunk(
        'tEXt',
        Array.from('Comment\0hi', (c) => c.charCodeAt(0)),
      ),
      ...chunk('IDAT', compressed.subarray(0, 5)),
      ...chunk('IDAT', compressed.subarray(5)),
      ...chunk('IEND', []),
    ]);
    const decoded = decodePng(png, 'hand.png');
    expect([decoded.width, decoded.height, decoded.channels]).toEqual([2, 4, 1]);
    expect(Array.from(decoded.pixels)).toEqual([10, 20, 30, 45, 50, 60, 55, 70]);
  });

  it('errors name the file: signature, CRC, interlace, palette, 16-bit, truncated', () => {
    const good = encodePng({ width: 2, height: 2, channels: 1, pixels: Uint8Array.of(1, 2, 3, 4) });
    const expectError = (bytes: Uint8Array, message: string): void => {
      expect(() => decodePng(bytes, 'a.png')).toThrow(UserError);
      expect(() => decodePng(bytes, 'a.png')).toThrow(`a.png: ${message}`);
    };
    expectError(Uint8Array.of(1, 2, 3), 'not a PNG file: the 8-byte PNG signature is missing');
    const flipped = good.slice();
    flipped[20] = (flipped[20] as number) ^ 1; // inside IHDR's data
    expectError(flipped, 'corrupt: CRC mismatch in chunk IHDR at byte 8');
    const headerOnly = (colorType: number, depth: number, interlace: number): Uint8Array =>
      Uint8Array.from([
        ...SIGNATURE,
        ...ihdr(2, 2, colorType, depth, interlace),
        ...chunk('IEND', []),
      ]);
    expectError(headerOnly(0, 8, 1), 'unsupported: interlaced (Adam7) PNGs are not read');
    expectError(headerOnly(3, 8, 0), 'unsupported colour type 3');
    expectError(headerOnly(0, 16, 0), 'unsupported bit depth 16: only 8-bit PNGs are read');
    expectError(
      good.subarray(0, good.length - 12),
      'truncated: the file ends before the IEND chunk',
    );
  });
});
