import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { UserError } from '../errors.js';

/**
 * The IDX format of the MNIST family (MNIST, Fashion-MNIST, KMNIST): a 4-byte magic number
 * `00 00 TT NN` (TT the element type, NN the number of dimensions), then NN big-endian uint32
 * sizes, then the elements in row-major order. Only unsigned bytes (TT = 0x08) occur in the
 * family, so only they are read.
 */

/** IDX element type of unsigned bytes, the only one the MNIST family uses. */
export const IDX_UINT8 = 0x08;

const IDX_TYPE_NAMES: Record<number, string> = {
  0x08: 'unsigned byte',
  0x09: 'signed byte',
  0x0b: 'int16',
  0x0c: 'int32',
  0x0d: 'float32',
  0x0e: 'float64',
};

/** A decoded IDX file of unsigned bytes. */
export interface IdxArray {
  shape: number[];
  data: Uint8Array;
}

/** Images of an IDX3 file: pixels [count, rows, cols] row-major, 0..255. */
export interface IdxImages {
  images: Uint8Array;
  count: number;
  rows: number;
  cols: number;
}

function hexByte(value: number): string {
  return `0x${value.toString(16).padStart(2, '0')}`;
}

function hex32(value: number): string {
  return `0x${(value >>> 0).toString(16).padStart(8, '0')}`;
}

/**
 * Decodes an IDX file of unsigned bytes. `name` (usually the path) starts every error message,
 * so a user knows which file is broken.
 */
export function decodeIdx(bytes: Uint8Array, name: string): IdxArray {
  if (bytes.length < 4) {
    throw new UserError(`${name}: not an IDX file: it holds only ${bytes.length} bytes`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const magic = view.getUint32(0);
  const type = bytes[2] as number;
  const rank = bytes[3] as number;
  if (bytes[0] !== 0 || bytes[1] !== 0 || IDX_TYPE_NAMES[type] === undefined) {
    throw new UserError(
      `${name}: not an IDX file: magic number ${hex32(magic)}, expected 0x000008NN ` +
        '(00 00, a type code, a dimension count)',
    );
  }
  if (type !== IDX_UINT8) {
    throw new UserError(
      `${name}: wrong element type: ${IDX_TYPE_NAMES[type]} (${hexByte(type)}), ` +
        'expected unsigned byte (0x08) as in the MNIST family',
    );
  }
  if (rank === 0) throw new UserError(`${name}: IDX header declares 0 dimensions`);
  const headerBytes = 4 + 4 * rank;
  if (bytes.length < headerBytes) {
    throw new UserError(
      `${name}: truncated: a header of ${rank} dimensions needs ${headerBytes} bytes ` +
        `but the file holds ${bytes.length}`,
    );
  }
  const shape: number[] = [];
  for (let i = 0; i < rank; i++) shape.push(view.getUint32(4 + 4 * i));
  const expected = shape.reduce((p, s) => p * s, 1);
  const payload = bytes.length - headerBytes;
  if (payload !== expected) {
    const what = describeShape(shape, expected);
    if (payload < expected) {
      throw new UserError(
        `${name}: truncated: header says ${what} but only ${payload} bytes follow`,
      );
    }
    throw new UserError(
      `${name}: corrupt: header says ${what} but ${payload} bytes follow ` +
        `(${payload - expected} too many)`,
    );
  }
  return { shape, data: bytes.subarray(headerBytes) };
}

function describeShape(shape: number[], bytes: number): string {
  if (shape.length === 3) {
    return `${shape[0]} images of ${shape[1]}x${shape[2]} (${bytes} bytes)`;
  }
  if (shape.length === 1) return `${shape[0]} labels (${bytes} bytes)`;
  return `shape [${shape.join(', ')}] (${bytes} bytes)`;
}

/** Decodes an IDX3 image file (magic 0x00000803). */
export function decodeIdxImages(bytes: Uint8Array, name: string): IdxImages {
  // The dimension count is checked before the sizes are read: a wrong one garbles them.
  const rank = declaredRank(bytes) ?? decodeIdx(bytes, name).shape.length;
  if (rank !== 3) {
    throw new UserError(
      `${name}: expected an IDX image file with 3 dimensions [count, rows, cols] ` +
        `(magic 0x00000803), got ${rank} dimension${rank === 1 ? '' : 's'}`,
    );
  }
  const { shape, data } = decodeIdx(bytes, name);
  const [count, rows, cols] = shape as [number, number, number];
  if (count === 0 || rows === 0 || cols === 0) {
    throw new UserError(`${name}: holds no pixels: header says [${shape.join(', ')}]`);
  }
  return { images: data, count, rows, cols };
}

/** Decodes an IDX1 label file (magic 0x00000801). */
export function decodeIdxLabels(bytes: Uint8Array, name: string): Uint8Array {
  const rank = declaredRank(bytes) ?? decodeIdx(bytes, name).shape.length;
  if (rank !== 1) {
    throw new UserError(
      `${name}: expected an IDX label file with 1 dimension [count] (magic 0x00000801), ` +
        `got ${rank} dimensions`,
    );
  }
  return decodeIdx(bytes, name).data;
}

/** The dimension count of a well-formed unsigned-byte IDX header; undefined otherwise. */
function declaredRank(bytes: Uint8Array): number | undefined {
  if (bytes.length < 4 || bytes[0] !== 0 || bytes[1] !== 0 || bytes[2] !== IDX_UINT8) {
    return undefined;
  }
  return bytes[3];
}

/** Encodes unsigned bytes as an IDX file (the inverse of `decodeIdx`). */
export function encodeIdx(shape: number[], data: Uint8Array): Uint8Array {
  const expected = shape.reduce((p, s) => p * s, 1);
  if (shape.length === 0 || shape.length > 255 || expected !== data.length) {
    throw new Error(
      `encodeIdx: expected data of ${expected} bytes for shape [${shape.join(', ')}], ` +
        `got ${data.length}`,
    );
  }
  const out = new Uint8Array(4 + 4 * shape.length + data.length);
  const view = new DataView(out.buffer);
  out[2] = IDX_UINT8;
  out[3] = shape.length;
  shape.forEach((size, i) => view.setUint32(4 + 4 * i, size));
  out.set(data, 4 + 4 * shape.length);
  return out;
}

/** True when the bytes start with the gzip magic number 1f 8b. */
export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/**
 * Reads a file and inflates it when it is gzipped. The gzip magic bytes decide, not the name:
 * mirrors of the MNIST family ship both forms, sometimes under each other's names.
 */
export function readMaybeGzipped(path: string): Uint8Array {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new UserError(`${path}: cannot read: ${code ?? (error as Error).message}`);
  }
  if (!isGzip(bytes)) return bytes;
  try {
    return gunzipSync(bytes);
  } catch (error) {
    throw new UserError(`${path}: corrupt gzip data: ${(error as Error).message}`);
  }
}

/** Reads an IDX3 image file, raw or gzipped. */
export function readIdxImages(path: string): IdxImages {
  return decodeIdxImages(readMaybeGzipped(path), path);
}

/** Reads an IDX1 label file, raw or gzipped. */
export function readIdxLabels(path: string): Uint8Array {
  return decodeIdxLabels(readMaybeGzipped(path), path);
}
