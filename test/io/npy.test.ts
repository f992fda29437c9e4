import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { UserError } from '../../src/errors.js';
import { encodeNpy, parseNpy, readNpy, writeNpy } from '../../src/io/npy.js';

const dir = mkdtempSync(join(tmpdir(), 'npy-test-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A .npy file made by hand: any version, any header text, any payload. */
function handMade(header: string, payload: Uint8Array, major = 1): Uint8Array {
  const text = new TextEncoder().encode(header);
  const lengthBytes = major === 1 ? 2 : 4;
  const out = new Uint8Array(8 + lengthBytes + text.length + payload.length);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, major, 0]);
  const view = new DataView(out.buffer);
  if (major === 1) view.setUint16(8, text.length, true);
  else view.setUint32(8, text.length, true);
  out.set(text, 8 + lengthBytes);
  out.set(payload, 8 + lengthBytes + text.length);
  return out;
}

const f32 = (values: number[]) => new Uint8Array(Float32Array.from(values).buffer);
const header = (descr: string, shape: string, fortran = 'False') =>
  `{'descr': '${descr}', 'fortran_order': ${fortran}, 'shape': ${shape}, }\n`;

function expectUserError(fn: () => unknown, pattern: RegExp): void {
  let caught: unknown;
  try {
    fn();
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(UserError);
  expect((caught as Error).message).toMatch(pattern);
  expect((caught as Error).message).toMatch(/reads 2-D little-endian float32 \('<f4'\) or float64/);
}

describe('npy', () => {
  it('writeNpy float32 [2,3]: header bytes by hand, then round trip', () => {
    const path = join(dir, 'a.npy');
    const data = Float32Array.from([1, -2, 3.5, 0, 1e-3, -7]);
    writeNpy(path, { dtype: 'float32', shape: [2, 3], data });
    const bytes = new Uint8Array(readFileSync(path));
    expect(Array.from(bytes.subarray(0, 8))).toEqual([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0]);
    const headerLength = bytes[8]! | (bytes[9]! << 8);
    expect((10 + headerLength) % 64).toBe(0);
    const text = new TextDecoder('latin1').decode(bytes.subarray(10, 10 + headerLength));
    expect(text).toMatch(/^\{'descr': '<f4', 'fortran_order': False, 'shape': \(2, 3\), \} *\n$/);
    expect(bytes.length).toBe(10 + headerLength + 24);
    const back = readNpy(path);
    expect(back.dtype).toBe('float32');
    expect(back.shape).toEqual([2, 3]);
    expect(back.data).toBeInstanceOf(Float32Array);
    expect(Array.from(back.data)).toEqual(Array.from(data));
  });

  it('writeNpy float64 [3,1] and [0,4] round trip', () => {
    const data = Float64Array.from([Math.PI, -1e300, 5e-324]);
    const back = parseNpy(encodeNpy({ dtype: 'float64', shape: [3, 1], data }), 'b.npy');
    expect(back).toEqual({ dtype: 'float64', shape: [3, 1], data });
    const empty = parseNpy(
      encodeNpy({ dtype: 'float64', shape: [0, 4], data: new Float64Array(0) }),
      'e.npy',
    );
    expect(empty.shape).toEqual([0, 4]);
  });

  it('readNpy files written by numpy: float32 [2,3] and float64 [3,2]', () => {
    // Made with: python3 -c "import numpy as np; np.save('test/fixtures/numpy-float32-2x3.npy',
    //   (np.arange(6, dtype='<f4') / 4 - 0.5).reshape(2, 3)); np.save('test/fixtures/numpy-float64-3x2.npy',
    //   (np.arange(6, dtype='<f8') / 3).reshape(3, 2))"
    const a = readNpy(join(__dirname, '../fixtures/numpy-float32-2x3.npy'));
    expect(a.dtype).toBe('float32');
    expect(a.shape).toEqual([2, 3]);
    expect(Array.from(a.data)).toEqual([-0.5, -0.25, 0, 0.25, 0.5, 0.75]);
    const b = readNpy(join(__dirname, '../fixtures/numpy-float64-3x2.npy'));
    expect(b.dtype).toBe('float64');
    expect(b.shape).toEqual([3, 2]);
    expect(Array.from(b.data)).toEqual([0, 1 / 3, 2 / 3, 1, 4 / 3, 5 / 3]);
  });

  it('parseNpy format 2.0 and 3.0 headers', () => {
    const payload = f32([1, 2]);
    expect(parseNpy(handMade(header('<f4', '(1, 2)'), payload, 2), 'v2.npy').data).toEqual(
      Float32Array.from([1, 2]),
    );
    expect(parseNpy(handMade(header('<f4', '(2, 1)'), payload, 3), 'v3.npy').shape).toEqual([2, 1]);
  });

  it('parseNpy bad files are UserErrors naming the file and the problem', () => {
    const ok = f32([1, 2, 3, 4]);
    expectUserError(
      () => parseNpy(new TextEncoder().encode('hello world, not npy'), 'x.npy'),
      /x\.npy: not a \.npy file/,
    );
    expectUserError(
      () => parseNpy(handMade(header('<f4', '(2, 2)'), ok, 4), 'v4.npy'),
      /v4\.npy: unsupported \.npy format version 4\.0/,
    );
    expectUserError(
      () => parseNpy(handMade(header('>f4', '(2, 2)'), ok), 'be.npy'),
      /be\.npy: dtype '>f4' is not accepted \(big-endian\)/,
    );
    expectUserError(
      () => parseNpy(handMade(header('<i4', '(2, 2)'), ok), 'int.npy'),
      /int\.npy: dtype '<i4' is not accepted/,
    );
    expectUserError(
      () => parseNpy(handMade(header('<f4', '(2, 2)', 'True'), ok), 'f.npy'),
      /f\.npy: fortran_order is True/,
    );
    expectUserError(
      () => parseNpy(handMade(header('<f4', '(4,)'), ok), '1d.npy'),
      /1d\.npy: shape \(4\) is not 2-D/,
    );
    expectUserError(
      () => parseNpy(handMade(header('<f4', '(1, 2, 2)'), ok), '3d.npy'),
      /shape \(1, 2, 2\) is not 2-D/,
    );
    expectUserError(
      () => parseNpy(handMade(header('<f4', '(2, 3)'), ok), 't.npy'),
      /t\.npy: truncated data: shape \(2, 3\) needs 24 bytes, the file holds 16/,
    );
    expectUserError(
      () => parseNpy(handMade(header('<f4', '(1, 3)'), ok), 'x.npy'),
      /4 unexpected bytes after/,
    );
    expectUserError(
      () => parseNpy(handMade("{'descr': '<f4', 'shape': (2, 2)}\n", ok), 'm.npy'),
      /m\.npy: bad header .*'fortran_order' is missing/,
    );
    expectUserError(
      () => parseNpy(handMade('__import__("os")\n', ok), 'evil.npy'),
      /evil\.npy: bad header/,
    );
    expectUserError(
      () => parseNpy(handMade(header('<f4', '(2, 2)'), ok).subarray(0, 30), 'h.npy'),
      /h\.npy: truncated header/,
    );
  });

  it('readNpy missing file is a UserError naming it', () => {
    const path = join(dir, 'missing.npy');
    expect(() => readNpy(path)).toThrow(UserError);
    expect(() => readNpy(path)).toThrow(/readNpy: cannot read .*missing\.npy/);
    writeFileSync(join(dir, 'empty.npy'), '');
    expect(() => readNpy(join(dir, 'empty.npy'))).toThrow(/empty\.npy: not a \.npy file/);
  });

  it('encodeNpy rejects a data length that does not match the shape', () => {
    expect(() => encodeNpy({ dtype: 'float32', shape: [2, 2], data: new Float32Array(3) })).toThrow(
      /encodeNpy: expected 4 float32 values/,
    );
  });
});
