import { tf } from '../tf.js';
import type { Tensor4D } from '../tf.js';
import { UserError } from '../errors.js';
import type { Random } from '../random/random.js';
import { assertImageBatch, type View } from './augment.js';
import { color } from './augmentations/color.js';
import { CROP_CORNERS, cornerCrop, type CropResize } from './augmentations/crop.js';
import { cutout } from './augmentations/cutout.js';
import { flipLeftRight, flipUpDown } from './augmentations/flip.js';
import { identity } from './augmentations/identity.js';
import { rotate90 } from './augmentations/rotate90.js';
import { translate } from './augmentations/translate.js';

/**
 * The DAG policies: named groups of views, each view scored by a discriminator head of its own
 * (or, for the identity, by the main head under one of the two conventions, see `headCount`).
 *
 * - `rotation`: identity, rotate90, rotate180, rotate270 (counter-clockwise);
 * - `fliprot`: identity, flip-up-down, flip-left-right, rotate90;
 * - `cropping`: identity, crop-top-left, crop-top-right, crop-bottom-left, crop-bottom-right;
 * - `translation`: identity, translate (random);
 * - `cutout`: identity, cutout (random);
 * - `color`: identity, color (random: brightness, saturation and contrast).
 *
 * The random policies give one augmented view beside the identity, as the reference BigGAN
 * DAG code does: a fresh draw per call stands for the whole family, so more heads would only
 * learn the same thing. View names are unique within a policy, not across policies (`rotation`
 * and `fliprot` both have `rotate90`): log them as `<policy>/<view>`.
 */

export const POLICY_NAMES = [
  'rotation',
  'fliprot',
  'cropping',
  'translation',
  'cutout',
  'color',
] as const;
export type PolicyName = (typeof POLICY_NAMES)[number];

/** The word that stands for "no policy" in `--policy`. */
export const NO_POLICY = 'none';

/** A policy and its views, in the order their heads are numbered. */
export interface Policy {
  readonly name: PolicyName;
  readonly views: readonly View[];
}

/** Choices that change how a policy's views are computed, not how many there are. */
export interface PolicyOptions {
  /** How the cropping policy scales its crops back up; `nearest` (the default) or `bilinear`. */
  readonly cropResize?: CropResize;
}

/** A policy chosen by the user with its weight w_p in the DAG term. */
export interface PolicySpec {
  readonly name: PolicyName;
  readonly weight: number;
}

/**
 * Which head the identity view gets:
 * - `identityHasOwnHead: true`: every view, the identity included, has a DAG head of its own
 *   (the reference's PyTorch/WGAN-GP module: rotation needs 4 DAG heads);
 * - `identityHasOwnHead: false`: the identity view is scored by the main head and only the
 *   other views get DAG heads (the reference's BigGAN and CycleGAN examples: rotation needs 3).
 */
export interface HeadConvention {
  readonly identityHasOwnHead: boolean;
}

/** A view with the index of the DAG head that scores it; `null` means the main head. */
export interface HeadedView extends View {
  readonly head: number | null;
}

/** A policy ready for the DAG objective: its weight and its views with their heads. */
export interface HeadedPolicy {
  readonly name: PolicyName;
  readonly weight: number;
  readonly views: readonly HeadedView[];
}

function knownPolicies(): string {
  return `known policies: ${POLICY_NAMES.join(', ')}, or '${NO_POLICY}' for no policy`;
}

/** True when `name` is one of `POLICY_NAMES`. */
export function isPolicyName(name: string): name is PolicyName {
  return (POLICY_NAMES as readonly string[]).includes(name);
}

function deterministicView(name: string, apply: (x: Tensor4D) => Tensor4D): View {
  return {
    name,
    isIdentity: name === 'identity',
    isRandom: false,
    swapsAxes: false,
    augment: (images) => apply(images),
  };
}

function randomView(name: string, apply: (x: Tensor4D, random: Random) => Tensor4D): View {
  return {
    name,
    isIdentity: false,
    isRandom: true,
    swapsAxes: false,
    augment: (images, random) => {
      if (random === undefined) {
        throw new Error(`${name} view: a random view needs a Random to draw its parameters`);
      }
      return apply(images, random);
    },
  };
}

/** A quarter-turn view: refuses non-square images, whose views could not be stacked. */
function quarterTurnView(policy: PolicyName, name: string, k: number): View {
  return {
    name,
    isIdentity: false,
    isRandom: false,
    swapsAxes: true,
    augment: (images) => {
      assertImageBatch(name, images);
      checkSquare(policy, images.shape[1], images.shape[2]);
      return rotate90(images, k);
    },
  };
}

function checkSquare(policy: PolicyName, height: number, width: number): void {
  if (height === width) return;
  throw new UserError(
    `--policy ${policy}: its quarter turns make a ${height}x${width} (height x width) image ` +
      `${width}x${height}, so its views cannot be stacked in one batch; use square images ` +
      `or a policy without quarter turns (cropping, translation, cutout, color)`,
  );
}

/** The views of policy `name`, in head order (see the list above). */
export function getPolicy(name: PolicyName, options: PolicyOptions = {}): Policy {
  const resize = options.cropResize ?? 'nearest';
  if (resize !== 'nearest' && resize !== 'bilinear') {
    throw new Error(
      `getPolicy: expected cropResize 'nearest' or 'bilinear', got ${String(resize)}`,
    );
  }
  const same = deterministicView('identity', identity);
  switch (name) {
    case 'rotation':
      return {
        name,
        views: [
          same,
          quarterTurnView(name, 'rotate90', 1),
          deterministicView('rotate180', (x) => rotate90(x, 2)),
          quarterTurnView(name, 'rotate270', 3),
        ],
      };
    case 'fliprot':
      // The reference's PyTorch code; its TensorFlow port used rot180 as the fourth view.
      return {
        name,
        views: [
          same,
          deterministicView('flip-up-down', flipUpDown),
          deterministicView('flip-left-right', flipLeftRight),
          quarterTurnView(name, 'rotate90', 1),
        ],
      };
    case 'cropping':
      return {
        name,
        views: [
          same,
          ...CROP_CORNERS.map((corner) =>
            deterministicView(`crop-${corner}`, (x) => cornerCrop(x, corner, resize)),
          ),
        ],
      };
    case 'translation':
      return { name, views: [same, randomView('translate', translate)] };
    case 'cutout':
      return { name, views: [same, randomView('cutout', cutout)] };
    case 'color':
      return { name, views: [same, randomView('color', color)] };
    default:
      throw new UserError(`--policy: unknown policy '${String(name)}'; ${knownPolicies()}`);
  }
}

const NUMBER = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;

function checkWeight(flag: string, policy: string, weight: number, given: string): void {
  if (!Number.isFinite(weight) || weight < 0) {
    throw new UserError(
      `${flag}: weight ${given} of policy '${policy}' is not a finite number >= 0; ` +
        `give e.g. ${policy}:0.5 (${knownPolicies()})`,
    );
  }
}

/**
 * Parses a `--policy` value: comma-separated policy names, each optionally with a weight
 * (`rotation,cropping`, `rotation:1,cropping:0.5`); a missing weight is 1, `none` alone means
 * no policy (an empty list). Throws `UserError`, naming `flag`, on unknown or repeated names,
 * weights that are not finite numbers >= 0, and empty items.
 */
export function parsePolicies(text: string, flag = '--policy'): PolicySpec[] {
  const trimmed = text.trim();
  if (trimmed === NO_POLICY) return [];
  if (trimmed === '') {
    throw new UserError(
      `${flag}: expected policy names or '${NO_POLICY}', got nothing; ${knownPolicies()}`,
    );
  }
  const names: string[] = [];
  const weights: number[] = [];
  for (const item of trimmed.split(',')) {
    const parts = item.split(':').map((part) => part.trim());
    const name = parts[0] ?? '';
    if (name === '' || parts.length > 2) {
      throw new UserError(
        `${flag}: expected items like name or name:weight separated by commas, got ` +
          `'${item.trim()}' in '${trimmed}'; ${knownPolicies()}`,
      );
    }
    const given = parts[1];
    let weight = 1;
    if (given !== undefined) {
      weight = NUMBER.test(given) ? Number(given) : Number.NaN;
      checkWeight(flag, name, weight, `'${given}'`);
    }
    names.push(name);
    weights.push(weight);
  }
  return resolvePolicies(names, weights, flag);
}

/**
 * Checks policy names (and optional weights, one per name, default 1) from the command line
 * or a config file and pairs them. `['none']` means no policy. Throws `UserError`, naming
 * `flag`, on unknown or repeated names, `none` among other names, weights that are not finite
 * numbers >= 0 (a 0 keeps the heads but drops the policy's term), and a count of weights that
 * differs from the count of names.
 */
export function resolvePolicies(
  names: readonly string[],
  weights?: readonly number[],
  flag = '--policy',
): PolicySpec[] {
  if (weights !== undefined && weights.length !== names.length) {
    throw new UserError(
      `${flag}: ${names.length} policy names (${names.join(', ')}) but ${weights.length} ` +
        `weights (${weights.join(', ')}); give one weight per policy`,
    );
  }
  if (names.length === 1 && names[0] === NO_POLICY) return [];
  const specs: PolicySpec[] = [];
  names.forEach((name, i) => {
    if (name === NO_POLICY) {
      throw new UserError(
        `${flag}: '${NO_POLICY}' cannot be combined with other policies, got ` +
          `${names.join(', ')}; ${knownPolicies()}`,
      );
    }
    if (!isPolicyName(name)) {
      throw new UserError(`${flag}: unknown policy '${name}'; ${knownPolicies()}`);
    }
    if (specs.some((spec) => spec.name === name)) {
      throw new UserError(
        `${flag}: policy '${name}' is given twice; give each policy once (${knownPolicies()})`,
      );
    }
    const weight = weights?.[i] ?? 1;
    if (typeof weight !== 'number') {
      throw new UserError(
        `${flag}: weight ${String(weight)} of policy '${name}' is not a number; ` +
          `give e.g. ${name}:0.5 (${knownPolicies()})`,
      );
    }
    checkWeight(flag, name, weight, String(weight));
    specs.push({ name, weight });
  });
  return specs;
}

/**
 * The DAG head of every view of every policy, `heads[p][v]`: heads are numbered 0, 1, ...
 * one after another across the policies in their order and the views in theirs; the main head
 * is not counted and is `null`, which identity views get when `identityHasOwnHead` is false.
 * E.g. rotation then cropping: with own identity heads [[0..3], [4..8]], without
 * [[null, 0, 1, 2], [null, 3, 4, 5, 6]].
 */
export function headIndices(
  policies: readonly { readonly name: PolicyName }[],
  convention: HeadConvention,
): Array<Array<number | null>> {
  let next = 0;
  return policies.map(({ name }) =>
    getPolicy(name).views.map((view) =>
      view.isIdentity && !convention.identityHasOwnHead ? null : next++,
    ),
  );
}

/**
 * How many DAG heads the discriminator needs besides its main head (see `HeadConvention`):
 * rotation needs 4 when the identity has its own head, 3 when it shares the main head.
 */
export function headCount(
  policies: readonly { readonly name: PolicyName }[],
  convention: HeadConvention,
): number {
  return headIndices(policies, convention)
    .flat()
    .filter((head) => head !== null).length;
}

/** The policies of `specs` with their weights and every view's head, for the DAG objective. */
export function buildPolicies(
  specs: readonly PolicySpec[],
  convention: HeadConvention,
  options: PolicyOptions = {},
): HeadedPolicy[] {
  const heads = headIndices(specs, convention);
  return specs.map((spec, p) => ({
    name: spec.name,
    weight: spec.weight,
    views: getPolicy(spec.name, options).views.map((view, v) => ({
      ...view,
      head: heads[p]?.[v] ?? null,
    })),
  }));
}

/**
 * Checks at start-up that `policy` can work on height x width images: its views must keep the
 * shape (quarter turns need square images) and crops need sides of at least 2 pixels.
 * Throws `UserError` naming the policy and what to change.
 */
export function checkPolicyImageShape(policy: Policy, height: number, width: number): void {
  if (policy.views.some((view) => view.swapsAxes)) checkSquare(policy.name, height, width);
  if (policy.name === 'cropping' && (height < 2 || width < 2)) {
    throw new UserError(
      `--policy cropping: a 3/4 crop of a ${height}x${width} image is empty; ` +
        `use images of at least 2x2 or another policy`,
    );
  }
}

/** Options of `applyPolicy`. */
export interface ApplyPolicyOptions {
  /** Leave the identity view out (it is the input itself: the main pass scores it already). */
  readonly skipIdentity?: boolean;
}

/**
 * The views of `[batch, height, width, channels]` under `policy`, in view order, each a new
 * tensor of the input's shape owned by the caller. Random views draw from `random`, in view
 * order; it may be left out for a policy without random views.
 */
export function applyPolicy(
  policy: Policy,
  x: Tensor4D,
  random?: Random,
  options: ApplyPolicyOptions = {},
): Tensor4D[] {
  assertImageBatch('applyPolicy', x);
  checkPolicyImageShape(policy, x.shape[1], x.shape[2]);
  if (random === undefined && policy.views.some((view) => view.isRandom)) {
    throw new Error(`applyPolicy: policy '${policy.name}' has random views; pass a Random`);
  }
  const views = policy.views.filter((view) => !(options.skipIdentity && view.isIdentity));
  return views.map((view) => view.augment(x, random));
}

/**
 * The views of `applyPolicy` stacked along the batch axis, view-major:
 * `[views * batch, height, width, channels]`, rows `v * batch ... v * batch + batch - 1` being
 * view v, so all views of a policy go through D in one call.
 */
export function applyPolicyStacked(
  policy: Policy,
  x: Tensor4D,
  random?: Random,
  options: ApplyPolicyOptions = {},
): Tensor4D {
  return tf.tidy(() => tf.concat(applyPolicy(policy, x, random, options), 0));
}
