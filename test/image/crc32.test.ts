import { describe, expect, it } from 'vitest';
import { crc32 } from '../../src/image/crc32.js';

const ascii = (text: string): Uint8Array => Uint8Array.from(text, (c) => c.charCodeAt(0));

describe('crc32', () => {
  it('crc32 "123456789" is the standard check value 0xcbf43926', () => {
    expect(crc32(ascii('123456789'))).toBe(0xcbf43926);
  });

  it('crc32 of the IEND chunk type is 0xae426082, as in every PNG', () => {
    expect(crc32(ascii('IEND'))).toBe(0xae426082);
  });

  it('crc32 empty is 0 and continuing equals the whole', () => {
    expect(crc32(new Uint8Array(0))).toBe(0);
    expect(crc32(ascii('6789'), crc32(ascii('12345')))).toBe(0xcbf43926);
  });
});
