/**
 * Builds IDX bytes field by field, independently of the encoder under test: magic bytes, the
 * dimensions as big-endian uint32, then `payload` (or `payloadLength` bytes of i % 256).
 */
export function idxBytes(
  magic: [number, number, number, number],
  dims: number[],
  payload: number | Uint8Array,
): Uint8Array {
  const body =
    typeof payload === 'number' ? Uint8Array.from({ length: payload }, (_, i) => i % 256) : payload;
  const out = new Uint8Array(4 + 4 * dims.length + body.length);
  out.set(magic, 0);
  const view = new DataView(out.buffer);
  dims.forEach((d, i) => view.setUint32(4 + 4 * i, d, false));
  out.set(body, 4 + 4 * dims.length);
  return out;
}

export const IMAGES_MAGIC: [number, number, number, number] = [0, 0, 8, 3];
export const LABELS_MAGIC: [number, number, number, number] = [0, 0, 8, 1];
