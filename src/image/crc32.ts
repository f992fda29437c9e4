/**
 * CRC-32 as PNG and gzip define it (ISO 3309 / ITU-T V.42: reflected polynomial 0xedb88320,
 * initial value and final xor 0xffffffff), byte-at-a-time with a 256-entry table.
 */

const TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

/**
 * Continues a CRC over `bytes`. Start with `crc32(first)`, then `crc32(more, previous)` to
 * cover a chunk's type and data without joining them.
 */
export function crc32(bytes: Uint8Array, previous = 0): number {
  let c = (previous ^ 0xffffffff) >>> 0;
  for (let i = 0; i < bytes.length; i++) {
    c = (TABLE[(c ^ (bytes[i] as number)) & 0xff] as number) ^ (c >>> 8);
  }
  return (c ^ 0xffffffff) >>> 0;
}
