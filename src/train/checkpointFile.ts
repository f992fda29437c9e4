import { readFileSync } from 'node:fs';
import { UserError } from '../errors.js';
import { crc32 } from '../image/crc32.js';
import { writeFileAtomic } from '../io/atomicWrite.js';

/**
 * The checkpoint file format: one file per checkpoint, so a checkpoint appears whole (written
 * to a temporary name, then renamed) or not at all.
 *
 *   "DAGCKPT1"  magic, 8 bytes
 *   uint32 LE   length of the JSON header in bytes
 *   JSON        { meta, arrays: [{ name, shape, offset, length }] } (UTF-8)
 *   padding     zeros up to a multiple of 4 bytes
 *   float32 LE  every array, back to back
 *   uint32 LE   CRC-32 of everything before it
 */
const MAGIC = 'DAGCKPT1';

export interface StoredArray {
  shape: number[];
  data: Float32Array;
}

export interface CheckpointContent<Meta> {
  meta: Meta;
  arrays: Map<string, StoredArray>;
}

interface Header<Meta> {
  meta: Meta;
  arrays: { name: string; shape: number[]; offset: number; length: number }[];
}

export function encodeCheckpoint<Meta>(content: CheckpointContent<Meta>): Uint8Array {
  const entries: Header<Meta>['arrays'] = [];
  let offset = 0;
  for (const [name, array] of content.arrays) {
    entries.push({ name, shape: array.shape, offset, length: array.data.length });
    offset += array.data.length;
  }
  const json = new TextEncoder().encode(JSON.stringify({ meta: content.meta, arrays: entries }));
  const headerEnd = 12 + json.length;
  const dataStart = Math.ceil(headerEnd / 4) * 4;
  const total = dataStart + offset * 4 + 4;
  const bytes = new Uint8Array(total);
  const view = new DataView(bytes.buffer);
  bytes.set(new TextEncoder().encode(MAGIC), 0);
  view.setUint32(8, json.length, true);
  bytes.set(json, 12);
  const floats = new Float32Array(bytes.buffer, dataStart, offset);
  for (const [i, array] of [...content.arrays.values()].entries()) {
    floats.set(array.data, (entries[i] as { offset: number }).offset);
  }
  // Float32Array writes the machine's byte order; every platform Node runs on is little-endian.
  view.setUint32(total - 4, crc32(bytes.subarray(0, total - 4)), true);
  return bytes;
}

export function decodeCheckpoint<Meta>(bytes: Uint8Array, file: string): CheckpointContent<Meta> {
  const fail = (what: string): never => {
    throw new UserError(`${file}: not a usable checkpoint: ${what}`);
  };
  if (bytes.length < 16) fail(`only ${bytes.length} bytes`);
  if (new TextDecoder().decode(bytes.subarray(0, 8)) !== MAGIC) fail('wrong magic bytes');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const stored = view.getUint32(bytes.length - 4, true);
  if (crc32(bytes.subarray(0, bytes.length - 4)) !== stored) fail('checksum mismatch (corrupt)');
  const jsonLength = view.getUint32(8, true);
  if (12 + jsonLength > bytes.length - 4) fail('header runs past the end');
  let header: Header<Meta>;
  try {
    header = JSON.parse(new TextDecoder().decode(bytes.subarray(12, 12 + jsonLength)));
  } catch {
    return fail('header is not JSON');
  }
  const dataStart = Math.ceil((12 + jsonLength) / 4) * 4;
  const floatCount = (bytes.length - 4 - dataStart) / 4;
  // Copy out: a Buffer from readFileSync is a view into a shared pool at any byte offset, so
  // its `.buffer` is neither ours nor 4-byte aligned.
  const payload = new Uint8Array(floatCount * 4);
  payload.set(bytes.subarray(dataStart, dataStart + floatCount * 4));
  const floats = new Float32Array(payload.buffer);
  const arrays = new Map<string, StoredArray>();
  for (const entry of header.arrays) {
    if (entry.offset + entry.length > floatCount) fail(`array ${entry.name} runs past the end`);
    arrays.set(entry.name, {
      shape: entry.shape,
      data: floats.slice(entry.offset, entry.offset + entry.length),
    });
  }
  return { meta: header.meta, arrays };
}

export function writeCheckpointFile<Meta>(path: string, content: CheckpointContent<Meta>): void {
  writeFileAtomic(path, encodeCheckpoint(content));
}

export function readCheckpointFile<Meta>(path: string): CheckpointContent<Meta> {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(path);
  } catch (error) {
    throw new UserError(`${path}: cannot read checkpoint: ${(error as Error).message}`);
  }
  return decodeCheckpoint<Meta>(bytes, path);
}
