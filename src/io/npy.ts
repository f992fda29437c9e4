import { readFileSync } from 'node:fs';
import { endianness } from 'node:os';
import { UserError } from '../errors.js';
import { writeFileAtomic } from './atomicWrite.js';

/** A 2-D float array as stored in a NumPy .npy file: [rows, cols], C order. */
export interface NpyMatrix {
  dtype: 'float32' | 'float64';
  shape: [number, number];
  data: Float32Array | Float64Array;
}

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // "\x93NUMPY"
const ACCEPTED =
  "dag-gan reads 2-D little-endian float32 ('<f4') or float64 ('<f8') arrays in C order, " +
  'as written by numpy.save(path, array.astype("float32"))';
const DESCR = { float32: '<f4', float64: '<f8' } as const;
const LITTLE_ENDIAN = endianness() === 'LE';

/** Reads a .npy file; any other layout or a damaged file is a UserError naming the file. */
export function readNpy(path: string): NpyMatrix {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(path);
  } catch (error) {
    throw new UserError(`readNpy: cannot read ${path}: ${(error as Error).message}`);
  }
  return parseNpy(bytes, path);
}

/** Parses .npy bytes (format 1.0, 2.0 or 3.0); `name` is used in error messages. */
export function parseNpy(bytes: Uint8Array, name: string): NpyMatrix {
  const fail = (what: string): never => {
    throw new UserError(`readNpy: ${name}: ${what}; ${ACCEPTED}`);
  };
  if (bytes.length < 10 || MAGIC.some((b, i) => bytes[i] !== b)) {
    fail('not a .npy file (missing the \\x93NUMPY magic)');
  }
  const major = bytes[6] as number;
  const minor = bytes[7] as number;
  if (![1, 2, 3].includes(major) || minor !== 0)
    fail(`unsupported .npy format version ${major}.${minor}`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const lengthBytes = major === 1 ? 2 : 4;
  if (bytes.length < 8 + lengthBytes) fail('truncated header');
  const headerLength = major === 1 ? view.getUint16(8, true) : view.getUint32(8, true);
  const headerStart = 8 + lengthBytes;
  const dataStart = headerStart + headerLength;
  if (bytes.length < dataStart)
    fail(`truncated header (needs ${dataStart} bytes, file has ${bytes.length})`);
  const header = new TextDecoder(major === 3 ? 'utf-8' : 'latin1').decode(
    bytes.subarray(headerStart, dataStart),
  );
  const fields = parseHeader(header, fail);

  const descr = fields.descr;
  const dtype =
    descr === DESCR.float32 ? 'float32' : descr === DESCR.float64 ? 'float64' : undefined;
  if (dtype === undefined) {
    const bigEndian = descr.startsWith('>');
    fail(`dtype '${descr}' is not accepted${bigEndian ? ' (big-endian)' : ''}`);
  }
  if (fields.fortranOrder)
    fail('fortran_order is True (column-major); save with np.ascontiguousarray');
  if (fields.shape.length !== 2) fail(`shape (${fields.shape.join(', ')}) is not 2-D`);
  const [rows, cols] = fields.shape as [number, number];
  const itemSize = dtype === 'float32' ? 4 : 8;
  const expected = rows * cols * itemSize;
  const available = bytes.length - dataStart;
  if (available < expected) {
    fail(
      `truncated data: shape (${rows}, ${cols}) needs ${expected} bytes, the file holds ${available}`,
    );
  }
  if (available > expected) {
    fail(`${available - expected} unexpected bytes after the (${rows}, ${cols}) data`);
  }
  const count = rows * cols;
  // Copy into a fresh buffer: the data offset need not be aligned to the item size. (Not
  // `slice`: on a Node Buffer it is a view into a shared pool.)
  const raw = new Uint8Array(expected);
  raw.set(bytes.subarray(dataStart, dataStart + expected));
  let data: Float32Array | Float64Array;
  if (LITTLE_ENDIAN) {
    data =
      dtype === 'float32'
        ? new Float32Array(raw.buffer, 0, count)
        : new Float64Array(raw.buffer, 0, count);
  } else {
    const dv = new DataView(raw.buffer);
    data = dtype === 'float32' ? new Float32Array(count) : new Float64Array(count);
    for (let i = 0; i < count; i++) {
      data[i] = dtype === 'float32' ? dv.getFloat32(i * 4, true) : dv.getFloat64(i * 8, true);
    }
  }
  return { dtype: dtype!, shape: [rows, cols], data };
}

interface HeaderFields {
  descr: string;
  fortranOrder: boolean;
  shape: number[];
}

/**
 * Reads the header's Python dict literal, e.g. {'descr': '<f4', 'fortran_order': False,
 * 'shape': (3, 4), }. A small strict parser: exactly these three keys, no expressions.
 */
function parseHeader(header: string, fail: (what: string) => never): HeaderFields {
  let at = 0;
  const bad = (what: string): never =>
    fail(`bad header (${what}): ${JSON.stringify(header.trim())}`);
  const space = (): void => {
    while (at < header.length && /\s/.test(header[at] as string)) at++;
  };
  const expect = (c: string): void => {
    space();
    if (header[at] !== c) bad(`expected '${c}' at ${at}`);
    at++;
  };
  const string = (): string => {
    space();
    const quote = header[at];
    if (quote !== "'" && quote !== '"') bad(`expected a string at ${at}`);
    const end = header.indexOf(quote as string, at + 1);
    if (end < 0) bad('unterminated string');
    const s = header.slice(at + 1, end);
    at = end + 1;
    return s;
  };
  const value = (): string | boolean | number[] => {
    space();
    if (header.startsWith('True', at)) {
      at += 4;
      return true;
    }
    if (header.startsWith('False', at)) {
      at += 5;
      return false;
    }
    if (header[at] === '(') {
      at++;
      const dims: number[] = [];
      for (;;) {
        space();
        if (header[at] === ')') {
          at++;
          return dims;
        }
        const match = /^(\d+)L?/.exec(header.slice(at));
        if (!match) bad(`expected a dimension at ${at}`);
        dims.push(Number(match![1]));
        at += match![0].length;
        space();
        if (header[at] === ',') at++;
        else if (header[at] !== ')') bad(`expected ',' or ')' at ${at}`);
      }
    }
    return string();
  };
  const fields = new Map<string, string | boolean | number[]>();
  expect('{');
  for (;;) {
    space();
    if (header[at] === '}') {
      at++;
      break;
    }
    const key = string();
    expect(':');
    if (fields.has(key)) bad(`duplicate key '${key}'`);
    fields.set(key, value());
    space();
    if (header[at] === ',') at++;
    else if (header[at] !== '}') bad(`expected ',' or '}' at ${at}`);
  }
  space();
  if (at !== header.length) bad('text after the dict');
  const descr = fields.get('descr');
  const fortranOrder = fields.get('fortran_order');
  const shape = fields.get('shape');
  const extra = [...fields.keys()].filter((k) => !['descr', 'fortran_order', 'shape'].includes(k));
  if (typeof descr !== 'string') bad("'descr' is missing or not a string");
  if (typeof fortranOrder !== 'boolean') bad("'fortran_order' is missing or not True/False");
  if (!Array.isArray(shape)) bad("'shape' is missing or not a tuple");
  if (extra.length > 0) bad(`unknown keys ${extra.join(', ')}`);
  return {
    descr: descr as string,
    fortranOrder: fortranOrder as boolean,
    shape: shape as number[],
  };
}

/** .npy bytes (format 1.0) for a 2-D float32/float64 matrix, header padded to 64 bytes. */
export function encodeNpy(matrix: NpyMatrix): Uint8Array {
  const [rows, cols] = matrix.shape;
  const itemSize = matrix.dtype === 'float32' ? 4 : 8;
  const expectedType = matrix.dtype === 'float32' ? Float32Array : Float64Array;
  if (!(matrix.data instanceof expectedType) || matrix.data.length !== rows * cols) {
    throw new Error(
      `encodeNpy: expected ${rows * cols} ${matrix.dtype} values for shape [${rows}, ${cols}], ` +
        `got ${matrix.data.length} in a ${matrix.data.constructor.name}`,
    );
  }
  let header = `{'descr': '${DESCR[matrix.dtype]}', 'fortran_order': False, 'shape': (${rows}, ${cols}), }`;
  // magic (6) + version (2) + length (2) + header + '\n' is a multiple of 64.
  const unpadded = 10 + header.length + 1;
  header += ' '.repeat((64 - (unpadded % 64)) % 64) + '\n';
  if (header.length > 0xffff)
    throw new Error(`encodeNpy: header of ${header.length} bytes is too long`);
  const out = new Uint8Array(10 + header.length + rows * cols * itemSize);
  out.set(MAGIC, 0);
  out[6] = 1;
  out[7] = 0;
  const view = new DataView(out.buffer);
  view.setUint16(8, header.length, true);
  for (let i = 0; i < header.length; i++) out[10 + i] = header.charCodeAt(i);
  const start = 10 + header.length;
  if (LITTLE_ENDIAN) {
    out.set(
      new Uint8Array(matrix.data.buffer, matrix.data.byteOffset, rows * cols * itemSize),
      start,
    );
  } else {
    for (let i = 0; i < rows * cols; i++) {
      if (itemSize === 4) view.setFloat32(start + i * 4, matrix.data[i] as number, true);
      else view.setFloat64(start + i * 8, matrix.data[i] as number, true);
    }
  }
  return out;
}

/** Writes a 2-D float32/float64 matrix as a .npy file (format 1.0), atomically. */
export function writeNpy(path: string, matrix: NpyMatrix): void {
  writeFileAtomic(path, encodeNpy(matrix));
}
