import { beforeAll, describe, expect, it } from 'vitest';
import { tf } from '../../src/tf.js';
import type { Tensor4D } from '../../src/tf.js';
import { Random } from '../../src/random/random.js';
import {
  drawTranslation,
  translate,
  translationRange,
} from '../../src/dag/augmentations/translate.js';
import { cutout, cutoutSize, drawCutout } from '../../src/dag/augmentations/cutout.js';
import { brightness, drawBrightness } from '../../src/dag/augmentations/brightness.js';
import { drawSaturation, saturation } from '../../src/dag/augmentations/saturation.js';
import { contrast, drawContrast } from '../../src/dag/augmentations/contrast.js';
import { color, drawColor } from '../../src/dag/augmentations/color.js';
import { expectClose, expectNoLeaks, useBackend } from '../helpers.js';

beforeAll(async () => {
  await useBackend('cpu');
});

/** `[batch, height, width, channels]` holding 1, 2, 3, ... in row-major order. */
function counting(shape: [number, number, number, number]): Tensor4D {
  const size = shape.reduce((p, s) => p * s, 1);
  return tf.tensor4d(
    Array.from({ length: size }, (_, i) => i + 1),
    shape,
  );
}

describe('translate', () => {
  it('translationRange is floor(size / 8 + 0.5)', () => {
    expect([32, 28, 12, 8, 4, 3, 1].map(translationRange)).toEqual([4, 4, 2, 1, 1, 0, 0]);
  });

  it('translate x=[2,3,4,1] shifts [[1,0],[-1,1]] by hand', async () => {
    await expectNoLeaks(() => {
      const x = counting([2, 3, 4, 1]);
      const y = translate(x, {
        shifts: [
          [1, 0],
          [-1, 1],
        ],
      });
      expect(Array.from(y.dataSync())).toEqual([
        // sample 0 (1..12) moved one column right
        0, 1, 2, 3, 0, 5, 6, 7, 0, 9, 10, 11,
        // sample 1 (13..24) moved one column left and one row down
        0, 0, 0, 0, 14, 15, 16, 0, 18, 19, 20, 0,
      ]);
      tf.dispose([x, y]);
    });
  });

  it('translate x=[1,3,3,2] shift [0,-2] moves both channels up by two rows', async () => {
    await expectNoLeaks(() => {
      const x = counting([1, 3, 3, 2]);
      const y = translate(x, { shifts: [[0, -2]] });
      expect(Array.from(y.dataSync())).toEqual([13, 14, 15, 16, 17, 18, ...new Array(12).fill(0)]);
      tf.dispose([x, y]);
    });
  });

  it('translate x=[1,2,2,1] shift [0,0] is the identity', async () => {
    await expectNoLeaks(() => {
      const x = counting([1, 2, 2, 1]);
      const y = translate(x, { shifts: [[0, 0]] });
      expect(Array.from(y.dataSync())).toEqual([1, 2, 3, 4]);
      tf.dispose([x, y]);
    });
  });

  it('drawTranslation 12x28 stays in [-s, s] per axis and reaches both ends', () => {
    const { shifts } = drawTranslation(new Random(11), 400, 12, 28);
    const dxs = shifts.map(([dx]) => dx);
    const dys = shifts.map(([, dy]) => dy);
    expect([Math.min(...dxs), Math.max(...dxs)]).toEqual([-4, 4]);
    expect([Math.min(...dys), Math.max(...dys)]).toEqual([-2, 2]);
    expect(shifts.every(([dx, dy]) => Number.isInteger(dx) && Number.isInteger(dy))).toBe(true);
  });

  it('translate x=[3,8,8,1] with a Random draws what drawTranslation draws', async () => {
    await expectNoLeaks(() => {
      const x = counting([3, 8, 8, 1]);
      const drawn = translate(x, new Random(5));
      const pinned = translate(x, drawTranslation(new Random(5), 3, 8, 8));
      expect(Array.from(drawn.dataSync())).toEqual(Array.from(pinned.dataSync()));
      tf.dispose([x, drawn, pinned]);
    });
  });

  it('translate rejects a wrong count, fractional and too large shifts', async () => {
    await expectNoLeaks(() => {
      const x = counting([2, 3, 4, 1]);
      expect(() => translate(x, { shifts: [[0, 0]] })).toThrow(
        'translate: expected a shift [dx, dy] for each of the 2 samples, got 1',
      );
      expect(() =>
        translate(x, {
          shifts: [
            [0.5, 0],
            [0, 0],
          ],
        }),
      ).toThrow(/integer shifts/);
      expect(() =>
        translate(x, {
          shifts: [
            [0, 0],
            [4, 0],
          ],
        }),
      ).toThrow(/\|dx\| < 4/);
      expect(() =>
        translate(x, {
          shifts: [
            [Number.NaN, 0],
            [0, 0],
          ],
        }),
      ).toThrow(/finite/);
      x.dispose();
    });
  });
});

describe('cutout', () => {
  it('cutoutSize is floor(size / 2 + 0.5)', () => {
    expect([32, 28, 5, 4, 2, 1].map(cutoutSize)).toEqual([16, 14, 3, 2, 1, 1]);
  });

  it('cutout x=[3,4,4,1] centres [[1,2],[0,0],[4,4]] by hand', async () => {
    await expectNoLeaks(() => {
      const x = tf.ones([3, 4, 4, 1]) as Tensor4D;
      const y = cutout(x, {
        centers: [
          [1, 2],
          [0, 0],
          [4, 4],
        ],
      });
      expect(Array.from(y.dataSync())).toEqual([
        // 2x2 at columns 0-1, rows 1-2
        1, 1, 1, 1, 0, 0, 1, 1, 0, 0, 1, 1, 1, 1, 1, 1,
        // clipped to the top-left pixel
        0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
        // clipped to the bottom-right pixel
        1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0,
      ]);
      tf.dispose([x, y]);
    });
  });

  it('cutout x=[1,2,5,2] centre [2,1] cuts 1x3 in both channels by hand', async () => {
    await expectNoLeaks(() => {
      const x = counting([1, 2, 5, 2]);
      const y = cutout(x, { centers: [[2, 1]] });
      expect(Array.from(y.dataSync())).toEqual([
        1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 0, 0, 0, 0, 0, 0, 19, 20,
      ]);
      tf.dispose([x, y]);
    });
  });

  it('cutout x=[1,4,4,1] centre far outside cuts nothing', async () => {
    await expectNoLeaks(() => {
      const x = tf.ones([1, 4, 4, 1]) as Tensor4D;
      const y = cutout(x, { centers: [[-5, 9]] });
      expect(Array.from(y.dataSync())).toEqual(new Array(16).fill(1));
      tf.dispose([x, y]);
    });
  });

  it('drawCutout centres cover [0, size] for even sides and [0, size - 1] for odd', () => {
    // width 4: side 2 (even); height 5: side 3 (odd).
    const { centers } = drawCutout(new Random(3), 300, 5, 4);
    const xs = centers.map(([cx]) => cx);
    const ys = centers.map(([, cy]) => cy);
    expect(new Set(xs)).toEqual(new Set([0, 1, 2, 3, 4]));
    expect(new Set(ys)).toEqual(new Set([0, 1, 2, 3, 4]));
    const even = drawCutout(new Random(4), 300, 4, 4).centers.map(([, cy]) => cy);
    expect(Math.max(...even)).toBe(4);
  });

  it('cutout x=[2,6,6,1] with a Random draws what drawCutout draws', async () => {
    await expectNoLeaks(() => {
      const x = counting([2, 6, 6, 1]);
      const drawn = cutout(x, new Random(9));
      const pinned = cutout(x, drawCutout(new Random(9), 2, 6, 6));
      expect(Array.from(drawn.dataSync())).toEqual(Array.from(pinned.dataSync()));
      tf.dispose([x, drawn, pinned]);
    });
  });

  it('cutout rejects a wrong count and fractional centres', async () => {
    await expectNoLeaks(() => {
      const x = counting([1, 4, 4, 1]);
      expect(() => cutout(x, { centers: [] })).toThrow(/for each of the 1 samples, got 0/);
      expect(() => cutout(x, { centers: [[1.5, 1]] })).toThrow(/integer centres/);
      x.dispose();
    });
  });
});

describe('colour', () => {
  it('brightness x=[2,1,2,1] offsets [0.25,-0.5] by hand', async () => {
    await expectNoLeaks(() => {
      const x = tf.tensor4d([0.5, -1, 0, 1], [2, 1, 2, 1]);
      const y = brightness(x, { offsets: [0.25, -0.5] });
      expectClose(y.dataSync(), [0.75, -0.75, -0.5, 0.5]);
      tf.dispose([x, y]);
    });
  });

  it('saturation x=[3,1,1,3] factors [0,1,2] by hand', async () => {
    await expectNoLeaks(() => {
      // One pixel (0.5, -0.5, 0.3) with grey value 0.1, three times.
      const pixel = [0.5, -0.5, 0.3];
      const x = tf.tensor4d([...pixel, ...pixel, ...pixel], [3, 1, 1, 3]);
      const y = saturation(x, { factors: [0, 1, 2] });
      expectClose(y.dataSync(), [0.1, 0.1, 0.1, 0.5, -0.5, 0.3, 0.9, -1.1, 0.5], { atol: 1e-6 });
      tf.dispose([x, y]);
    });
  });

  it('saturation x=[1,2,2,1] leaves a one-channel image unchanged', async () => {
    await expectNoLeaks(() => {
      const x = tf.tensor4d([0.1, -0.2, 0.3, 0.9], [1, 2, 2, 1]);
      const y = saturation(x, { factors: [1.7] });
      expectClose(y.dataSync(), [0.1, -0.2, 0.3, 0.9]);
      tf.dispose([x, y]);
    });
  });

  it('contrast x=[2,1,2,2] factors [0.5,1.5] about each sample mean by hand', async () => {
    await expectNoLeaks(() => {
      // Sample 0: values 1, 3, -1, 1 (mean 1); sample 1: 0, 0.4, 0.2, -0.2 (mean 0.1).
      const x = tf.tensor4d([1, 3, -1, 1, 0, 0.4, 0.2, -0.2], [2, 1, 2, 2]);
      const y = contrast(x, { factors: [0.5, 1.5] });
      expectClose(y.dataSync(), [1, 2, 0, 1, -0.05, 0.55, 0.25, -0.35], { atol: 1e-6 });
      tf.dispose([x, y]);
    });
  });

  it('color x=[2,2,2,3] is brightness, then saturation, then contrast (direct computation)', async () => {
    await expectNoLeaks(() => {
      const random = new Random(21);
      const values = Array.from({ length: 24 }, () => 2 * random.uniform() - 1);
      const params = { brightness: [0.3, -0.2], saturation: [1.6, 0.4], contrast: [0.7, 1.3] };
      // The same three formulas on plain numbers, sample by sample.
      const expected: number[] = [];
      for (let b = 0; b < 2; b++) {
        const sample = values.slice(12 * b, 12 * b + 12);
        const bright = sample.map((v) => v + (params.brightness[b] as number));
        const saturated = bright.map((v, i) => {
          const pixel = Math.floor(i / 3) * 3;
          const grey =
            ((bright[pixel] as number) +
              (bright[pixel + 1] as number) +
              (bright[pixel + 2] as number)) /
            3;
          return (v - grey) * (params.saturation[b] as number) + grey;
        });
        const mean = saturated.reduce((s, v) => s + v, 0) / saturated.length;
        const factor = params.contrast[b] as number;
        expected.push(...saturated.map((v) => (v - mean) * factor + mean));
      }
      const x = tf.tensor4d(values, [2, 2, 2, 3]);
      const y = color(x, params);
      expectClose(y.dataSync(), expected, { rtol: 1e-5, atol: 1e-6 });
      tf.dispose([x, y]);
    });
  });

  it('draws lie in [-0.5, 0.5), [0, 2) and [0.5, 1.5) and color draws in that order', async () => {
    const offsets = Array.from(drawBrightness(new Random(1), 500).offsets);
    const saturations = Array.from(drawSaturation(new Random(1), 500).factors);
    const contrasts = Array.from(drawContrast(new Random(1), 500).factors);
    expect(Math.min(...offsets)).toBeGreaterThanOrEqual(-0.5);
    expect(Math.max(...offsets)).toBeLessThan(0.5);
    expect(Math.min(...offsets)).toBeLessThan(-0.45);
    expect(Math.max(...offsets)).toBeGreaterThan(0.45);
    expect(Math.min(...saturations)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...saturations)).toBeLessThan(2);
    expect(Math.min(...contrasts)).toBeGreaterThanOrEqual(0.5);
    expect(Math.max(...contrasts)).toBeLessThan(1.5);

    const random = new Random(2);
    const params = drawColor(random, 2);
    const replay = new Random(2);
    const uniforms = Array.from({ length: 6 }, () => replay.uniform());
    expectClose(Array.from(params.brightness), [uniforms[0]! - 0.5, uniforms[1]! - 0.5]);
    expectClose(Array.from(params.saturation), [2 * uniforms[2]!, 2 * uniforms[3]!]);
    expectClose(Array.from(params.contrast), [uniforms[4]! + 0.5, uniforms[5]! + 0.5]);

    await expectNoLeaks(() => {
      const x = counting([2, 2, 2, 3]);
      const drawn = color(x, new Random(2));
      const pinned = color(x, params);
      expect(Array.from(drawn.dataSync())).toEqual(Array.from(pinned.dataSync()));
      tf.dispose([x, drawn, pinned]);
    });
  });

  it('colour steps reject a wrong count and non-finite parameters', async () => {
    await expectNoLeaks(() => {
      const x = counting([2, 1, 1, 3]);
      expect(() => brightness(x, { offsets: [0] })).toThrow(
        'brightness: expected an offset for each of the 2 samples, got 1',
      );
      expect(() => saturation(x, { factors: [1, Number.NaN] })).toThrow(
        'saturation: expected finite factors, got NaN at sample 1',
      );
      expect(() => contrast(x, { factors: [1, Infinity] })).toThrow(/contrast: expected finite/);
      x.dispose();
    });
  });
});
