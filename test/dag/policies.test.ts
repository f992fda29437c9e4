import { beforeAll, describe, expect, it } from 'vitest';
import { tf } from '../../src/tf.js';
import type { Tensor4D } from '../../src/tf.js';
import { UserError } from '../../src/errors.js';
import { Random } from '../../src/random/random.js';
import {
  POLICY_NAMES,
  applyPolicy,
  applyPolicyStacked,
  buildPolicies,
  checkPolicyImageShape,
  getPolicy,
  headCount,
  headIndices,
  parsePolicies,
  resolvePolicies,
  type PolicyName,
} from '../../src/dag/policies.js';
import { translate } from '../../src/dag/augmentations/translate.js';
import { expectGradientMatchesFiniteDifferences } from './finiteDifferences.js';
import { expectNoLeaks, useBackend } from '../helpers.js';

beforeAll(async () => {
  await useBackend('cpu');
});

const KNOWN = /known policies: rotation, fliprot, cropping, translation, cutout, color, or 'none'/;

/** Expects `f` to throw a UserError whose message matches every pattern. */
function expectUserError(f: () => unknown, ...patterns: RegExp[]): void {
  let caught: unknown;
  try {
    f();
  } catch (error) {
    caught = error;
  }
  expect(caught, 'expected a UserError').toBeInstanceOf(UserError);
  for (const pattern of patterns) expect((caught as Error).message).toMatch(pattern);
}

describe('policy registry', () => {
  const expected: Record<PolicyName, string[]> = {
    rotation: ['identity', 'rotate90', 'rotate180', 'rotate270'],
    fliprot: ['identity', 'flip-up-down', 'flip-left-right', 'rotate90'],
    cropping: [
      'identity',
      'crop-top-left',
      'crop-top-right',
      'crop-bottom-left',
      'crop-bottom-right',
    ],
    translation: ['identity', 'translate'],
    cutout: ['identity', 'cutout'],
    color: ['identity', 'color'],
  };

  it('every policy has its views in order, the identity first', () => {
    expect([...POLICY_NAMES]).toEqual(Object.keys(expected));
    for (const name of POLICY_NAMES) {
      const views = getPolicy(name).views;
      expect(views.map((view) => view.name)).toEqual(expected[name]);
      expect(views.map((view) => view.isIdentity)).toEqual(views.map((_, v) => v === 0));
    }
  });

  it('translation, cutout and color views are random, the others are not', () => {
    for (const name of POLICY_NAMES) {
      const random = ['translation', 'cutout', 'color'].includes(name);
      const views = getPolicy(name).views;
      expect(views.map((view) => view.isRandom)).toEqual(views.map((_, v) => random && v > 0));
    }
  });

  it('only rotate90 and rotate270 swap height and width', () => {
    const swapping = POLICY_NAMES.flatMap((name) =>
      getPolicy(name)
        .views.filter((view) => view.swapsAxes)
        .map((view) => `${name}/${view.name}`),
    );
    expect(swapping).toEqual(['rotation/rotate90', 'rotation/rotate270', 'fliprot/rotate90']);
  });
});

describe('parsePolicies', () => {
  it("parsePolicies 'rotation,cropping' gives weight 1 each", () => {
    expect(parsePolicies('rotation,cropping')).toEqual([
      { name: 'rotation', weight: 1 },
      { name: 'cropping', weight: 1 },
    ]);
  });

  it("parsePolicies ' rotation : 1 , cropping:0.5,color:2e-1 ' reads weights and spaces", () => {
    expect(parsePolicies(' rotation : 1 , cropping:0.5,color:2e-1 ')).toEqual([
      { name: 'rotation', weight: 1 },
      { name: 'cropping', weight: 0.5 },
      { name: 'color', weight: 0.2 },
    ]);
  });

  it("parsePolicies 'none' is no policy and 'cutout:0' is allowed", () => {
    expect(parsePolicies('none')).toEqual([]);
    expect(parsePolicies(' none ')).toEqual([]);
    expect(parsePolicies('cutout:0')).toEqual([{ name: 'cutout', weight: 0 }]);
  });

  it('parsePolicies rejects unknown and repeated names, naming them and listing the known', () => {
    expectUserError(() => parsePolicies('rotation,rot'), /^--policy: unknown policy 'rot'/, KNOWN);
    expectUserError(() => parsePolicies('Rotation'), /unknown policy 'Rotation'/, KNOWN);
    expectUserError(
      () => parsePolicies('rotation,cropping,rotation:0.5'),
      /policy 'rotation' is given twice/,
      KNOWN,
    );
    expectUserError(() => parsePolicies('none,rotation'), /'none' cannot be combined/, KNOWN);
  });

  it('parsePolicies rejects bad weights: negative, NaN, Infinity, text, empty, two colons', () => {
    for (const [text, shown] of [
      ['rotation:-1', "'-1'"],
      ['rotation:NaN', "'NaN'"],
      ['rotation:Infinity', "'Infinity'"],
      ['rotation:1e999', "'1e999'"],
      ['rotation:abc', "'abc'"],
      ['rotation:0x10', "'0x10'"],
      ['rotation:', "''"],
    ] as const) {
      expectUserError(
        () => parsePolicies(text),
        new RegExp(`weight ${shown} of policy 'rotation' is not a finite number >= 0`),
        KNOWN,
      );
    }
    expectUserError(() => parsePolicies('rotation:1:2'), /expected items like name or name:weight/);
  });

  it('parsePolicies rejects empty text and empty items', () => {
    expectUserError(() => parsePolicies(''), /expected policy names or 'none', got nothing/, KNOWN);
    expectUserError(() => parsePolicies('rotation,,color'), /got '' in 'rotation,,color'/);
    expectUserError(() => parsePolicies(':1'), /expected items like name/);
  });

  it('parsePolicies names the flag it is given', () => {
    expectUserError(() => parsePolicies('rot', '--dag-policy'), /^--dag-policy: unknown policy/);
  });
});

describe('resolvePolicies', () => {
  it('resolvePolicies pairs names with weights, default 1', () => {
    expect(resolvePolicies(['fliprot', 'translation'], [0.25, 3])).toEqual([
      { name: 'fliprot', weight: 0.25 },
      { name: 'translation', weight: 3 },
    ]);
    expect(resolvePolicies(['cutout'])).toEqual([{ name: 'cutout', weight: 1 }]);
    expect(resolvePolicies(['none'])).toEqual([]);
    expect(resolvePolicies([])).toEqual([]);
  });

  it('resolvePolicies rejects mismatched lengths, listing both', () => {
    expectUserError(
      () => resolvePolicies(['rotation', 'cropping'], [1, 0.5, 2]),
      /2 policy names \(rotation, cropping\) but 3 weights \(1, 0.5, 2\); give one weight/,
    );
  });

  it('resolvePolicies rejects negative, NaN, infinite and non-number weights', () => {
    expectUserError(
      () => resolvePolicies(['cropping'], [-0.5]),
      /weight -0.5 of policy 'cropping'/,
    );
    expectUserError(() => resolvePolicies(['cropping'], [Number.NaN]), /weight NaN of policy/);
    expectUserError(() => resolvePolicies(['cropping'], [Infinity]), /weight Infinity/);
    expectUserError(
      () => resolvePolicies(['cropping'], ['1' as unknown as number]),
      /weight 1 of policy 'cropping' is not a number/,
      KNOWN,
    );
  });

  it('resolvePolicies rejects unknown and duplicate names', () => {
    expectUserError(
      () => resolvePolicies(['rotation', 'jitter']),
      /unknown policy 'jitter'/,
      KNOWN,
    );
    expectUserError(() => resolvePolicies(['color', 'color']), /'color' is given twice/, KNOWN);
  });
});

describe('heads', () => {
  const own = { identityHasOwnHead: true };
  const shared = { identityHasOwnHead: false };

  it('headCount rotation is 4 with own identity heads and 3 with a shared main head', () => {
    expect(headCount([{ name: 'rotation' }], own)).toBe(4);
    expect(headCount([{ name: 'rotation' }], shared)).toBe(3);
  });

  it('headCount of all six policies is 19 or 13', () => {
    const all = POLICY_NAMES.map((name) => ({ name }));
    expect(headCount(all, own)).toBe(4 + 4 + 5 + 2 + 2 + 2);
    expect(headCount(all, shared)).toBe(3 + 3 + 4 + 1 + 1 + 1);
    expect(headCount([], own)).toBe(0);
  });

  it('headIndices rotation,cropping number heads across policies; null is the main head', () => {
    const specs = parsePolicies('rotation,cropping:0.5');
    expect(headIndices(specs, own)).toEqual([
      [0, 1, 2, 3],
      [4, 5, 6, 7, 8],
    ]);
    expect(headIndices(specs, shared)).toEqual([
      [null, 0, 1, 2],
      [null, 3, 4, 5, 6],
    ]);
  });

  it('buildPolicies translation,rotation carries weights, heads and working views', async () => {
    const built = buildPolicies(parsePolicies('translation:0.5,rotation'), shared);
    expect(built.map((p) => [p.name, p.weight])).toEqual([
      ['translation', 0.5],
      ['rotation', 1],
    ]);
    expect(built.map((p) => p.views.map((v) => [v.name, v.head]))).toEqual([
      [
        ['identity', null],
        ['translate', 0],
      ],
      [
        ['identity', null],
        ['rotate90', 1],
        ['rotate180', 2],
        ['rotate270', 3],
      ],
    ]);
    await expectNoLeaks(() => {
      const x = tf.tensor4d([1, 2, 3, 4], [1, 2, 2, 1]);
      const view = built[1]?.views[1];
      const y = view?.augment(x, new Random(1)) as Tensor4D;
      expect(Array.from(y.dataSync())).toEqual([2, 4, 1, 3]);
      tf.dispose([x, y]);
    });
  });
});

describe('applyPolicy', () => {
  // Two 2x2 samples [[1, 2], [3, 4]] and [[5, 6], [7, 8]]; their turns written out by hand.
  const samples = [1, 2, 3, 4, 5, 6, 7, 8];
  const turned = [
    [1, 2, 3, 4, 5, 6, 7, 8], // identity
    [2, 4, 1, 3, 6, 8, 5, 7], // rotate90 counter-clockwise
    [4, 3, 2, 1, 8, 7, 6, 5], // rotate180
    [3, 1, 4, 2, 7, 5, 8, 6], // rotate270
  ];

  it('applyPolicyStacked rotation x=[2,2,2,1] is view-major [8,2,2,1]', async () => {
    await expectNoLeaks(() => {
      const x = tf.tensor4d(samples, [2, 2, 2, 1]);
      const stacked = applyPolicyStacked(getPolicy('rotation'), x);
      expect(stacked.shape).toEqual([8, 2, 2, 1]);
      expect(Array.from(stacked.dataSync())).toEqual(turned.flat());
      tf.dispose([x, stacked]);
    });
  });

  it('applyPolicy rotation x=[2,2,2,1] skipIdentity gives the three turns', async () => {
    await expectNoLeaks(() => {
      const x = tf.tensor4d(samples, [2, 2, 2, 1]);
      const views = applyPolicy(getPolicy('rotation'), x, undefined, { skipIdentity: true });
      expect(views.map((view) => Array.from(view.dataSync()))).toEqual(turned.slice(1));
      tf.dispose([x, ...views]);
    });
  });

  it('applyPolicy returns tensors the caller owns: disposing them keeps the input', async () => {
    await expectNoLeaks(() => {
      const x = tf.tensor4d(samples, [2, 2, 2, 1]);
      const views = applyPolicy(getPolicy('fliprot'), x);
      tf.dispose(views);
      expect(x.isDisposed).toBe(false);
      x.dispose();
    });
  });

  it('applyPolicyStacked cropping x=[2,4,6,3] puts view v at rows [2v, 2v+2)', async () => {
    await expectNoLeaks(() => {
      const random = new Random(4);
      const x = tf.tensor4d(
        Array.from({ length: 144 }, () => random.uniform()),
        [2, 4, 6, 3],
      );
      const stacked = applyPolicyStacked(getPolicy('cropping'), x);
      expect(stacked.shape).toEqual([10, 4, 6, 3]);
      const values = stacked.arraySync();
      // Bottom-right crop: 3x4 from row 1, column 2; nearest rows 1,1,2,3, columns
      // 2,2,3,4,4,5 (floor(d * 4 / 6) + 2).
      const source = x.arraySync();
      for (let b = 0; b < 2; b++) {
        expect(values[b]).toEqual(source[b]);
        const rows = [1, 1, 2, 3];
        const cols = [2, 2, 3, 4, 4, 5];
        expect(values[8 + b]).toEqual(rows.map((r) => cols.map((c) => source[b]?.[r]?.[c])));
      }
      tf.dispose([x, stacked]);
    });
  });

  it('applyPolicy translation x=[3,8,8,1] draws what translate draws with the same seed', async () => {
    await expectNoLeaks(() => {
      const x = tf.tensor4d(
        Array.from({ length: 192 }, (_, i) => i + 1),
        [3, 8, 8, 1],
      );
      const views = applyPolicy(getPolicy('translation'), x, new Random(8));
      const direct = translate(x, new Random(8));
      expect(views).toHaveLength(2);
      expect(Array.from(views[0]?.dataSync() ?? [])).toEqual(Array.from(x.dataSync()));
      expect(Array.from(views[1]?.dataSync() ?? [])).toEqual(Array.from(direct.dataSync()));
      tf.dispose([x, direct, ...views]);
    });
  });

  it('applyPolicy cutout without a Random is an error', async () => {
    await expectNoLeaks(() => {
      const x = tf.zeros([1, 4, 4, 1]) as Tensor4D;
      expect(() => applyPolicy(getPolicy('cutout'), x)).toThrow(
        "applyPolicy: policy 'cutout' has random views; pass a Random",
      );
      expect(() => getPolicy('color').views[1]?.augment(x)).toThrow(/needs a Random/);
      x.dispose();
    });
  });

  it('rotation and fliprot reject non-square images x=[1,2,3,1]; cropping accepts them', async () => {
    await expectNoLeaks(() => {
      const x = tf.zeros([1, 2, 3, 1]) as Tensor4D;
      const square = /--policy rotation: its quarter turns make a 2x3 \(height x width\) image 3x2/;
      expectUserError(() => applyPolicy(getPolicy('rotation'), x), square, /use square images/);
      expectUserError(() => applyPolicyStacked(getPolicy('fliprot'), x), /--policy fliprot/);
      expectUserError(() => getPolicy('rotation').views[1]?.augment(x), square);
      expectUserError(() => checkPolicyImageShape(getPolicy('rotation'), 28, 32), /28x32/);
      const stacked = applyPolicyStacked(getPolicy('cropping'), x);
      expect(stacked.shape).toEqual([5, 2, 3, 1]);
      tf.dispose([x, stacked]);
    });
  });

  it('checkPolicyImageShape rejects crops of 1-pixel sides and accepts squares', () => {
    expectUserError(() => checkPolicyImageShape(getPolicy('cropping'), 1, 5), /--policy cropping/);
    expect(() => checkPolicyImageShape(getPolicy('rotation'), 8, 8)).not.toThrow();
    expect(() => checkPolicyImageShape(getPolicy('translation'), 1, 5)).not.toThrow();
  });

  it('getPolicy cropping cropResize bilinear changes the crops, not the views', async () => {
    await expectNoLeaks(() => {
      const x = tf.tensor4d(
        Array.from({ length: 16 }, (_, i) => i * i),
        [1, 4, 4, 1],
      );
      const nearest = applyPolicy(getPolicy('cropping'), x);
      const bilinear = applyPolicy(getPolicy('cropping', { cropResize: 'bilinear' }), x);
      expect(bilinear).toHaveLength(5);
      // Top-left crop rows [0, 1, 2] of column 0 hold 0, 16, 64; aligned corners sample row
      // 2/3 at output row 1: 0 + 2/3 * 16.
      expect(bilinear[1]?.dataSync()[4]).toBeCloseTo(32 / 3, 4);
      expect(nearest[1]?.dataSync()[4]).toBe(0);
      tf.dispose([x, ...nearest, ...bilinear]);
    });
  });
});

describe('stacked views gradient', () => {
  for (const name of ['fliprot', 'cropping'] as const) {
    it(`applyPolicyStacked ${name} x=[2,4,4,2] gradient against central differences`, async () => {
      await expectNoLeaks(() => {
        const random = new Random(12);
        const x = tf.tensor4d(
          Array.from({ length: 64 }, () => random.uniform()),
          [2, 4, 4, 2],
        );
        const policy = getPolicy(name);
        expectGradientMatchesFiniteDifferences((t) => applyPolicyStacked(policy, t), x);
        x.dispose();
      });
    });
  }
});
