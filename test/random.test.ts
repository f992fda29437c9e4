import { describe, expect, it } from 'vitest';
import { Random } from '../src/random/random.js';

describe('Random', () => {
  it('repeats for the same seed and differs for another', () => {
    const a = new Random(7);
    const b = new Random(7);
    const c = new Random(8);
    const seqA = Array.from({ length: 5 }, () => a.nextUint32());
    expect(Array.from({ length: 5 }, () => b.nextUint32())).toEqual(seqA);
    expect(Array.from({ length: 5 }, () => c.nextUint32())).not.toEqual(seqA);
  });

  it('continues exactly from a saved state', () => {
    const a = new Random(3);
    a.uniform();
    const saved = a.state();
    const expected = [a.normal(), a.uniform(), a.int(10)];
    const b = Random.fromState(saved);
    expect([b.normal(), b.uniform(), b.int(10)]).toEqual(expected);
  });

  it('draws normals with mean 0 and variance 1', () => {
    const values = new Random(1).normalArray(20000);
    const mean = values.reduce((s, v) => s + v, 0) / values.length;
    const variance = values.reduce((s, v) => s + (v - mean) ** 2, 0) / values.length;
    expect(Math.abs(mean)).toBeLessThan(0.03);
    expect(Math.abs(variance - 1)).toBeLessThan(0.05);
  });

  it('rejects bad arguments', () => {
    expect(() => new Random(1.5)).toThrow(/seed must be an integer/);
    expect(() => new Random(1).int(0)).toThrow(/positive integer/);
  });
});
