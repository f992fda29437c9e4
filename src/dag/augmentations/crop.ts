import { tf } from '../../tf.js';
import type { Tensor4D } from '../../tf.js';
import { assertImageBatch } from '../augment.js';

/** The corners the cropping policy crops at, in its view order. */
export const CROP_CORNERS = ['top-left', 'top-right', 'bottom-left', 'bottom-right'] as const;
export type CropCorner = (typeof CROP_CORNERS)[number];

/**
 * How a crop is scaled back to full size:
 * - `nearest`: source index floor(dst * in / out) on each axis, the default of PyTorch's
 *   `F.interpolate` that the paper's PyTorch code uses; the default here.
 * - `bilinear`: bilinear with aligned corners (the first and last pixels of the crop land on
 *   the first and last of the output), as in the reference's TensorFlow port.
 */
export type CropResize = 'nearest' | 'bilinear';

/** The side of a corner crop relative to the image. */
export const CROP_FRACTION = 0.75;

/** A crop window in pixels, rows `[top, top + height)` and columns `[left, left + width)`. */
export interface CropBox {
  readonly top: number;
  readonly left: number;
  readonly height: number;
  readonly width: number;
}

/**
 * The 3/4 crop at `corner` of a `height` x `width` image: floor(0.75 * height) x
 * floor(0.75 * width) (32 -> 24, 28 -> 21). The bottom and right crops end at the last row and
 * column, so all four crops have the same size. (The PyTorch reference slices
 * `int(0.25 * h):h` for them, one row longer when 4 does not divide the size, e.g. 23 rows
 * against 22 for h = 30; the two agree whenever 4 divides height and width.)
 */
export function cornerCropBox(height: number, width: number, corner: CropCorner): CropBox {
  for (const [axis, size] of [
    ['height', height],
    ['width', width],
  ] as const) {
    if (!Number.isInteger(size) || size < 2) {
      throw new Error(
        `cornerCropBox: a 3/4 crop needs an integer ${axis} of at least 2, got ${size}`,
      );
    }
  }
  if (!CROP_CORNERS.includes(corner)) {
    throw new Error(
      `cornerCropBox: expected a corner among ${CROP_CORNERS.join(', ')}, got ${String(corner)}`,
    );
  }
  const cropHeight = Math.floor(CROP_FRACTION * height);
  const cropWidth = Math.floor(CROP_FRACTION * width);
  return {
    top: corner.startsWith('bottom') ? height - cropHeight : 0,
    left: corner.endsWith('right') ? width - cropWidth : 0,
    height: cropHeight,
    width: cropWidth,
  };
}

/**
 * Crops `box` out of `[batch, height, width, channels]` and resizes it back to height x width
 * with `resize` (see `CropResize`). Nearest neighbour goes through tfjs's
 * `resizeNearestNeighbor` (on the batch folded into the channels, see below) without aligned
 * corners or half-pixel centres, which picks source row floor(dst * (in / out)) in double
 * precision: exactly floor(dst * in / out) for every 3/4 crop of sides up to 317 pixels
 * (checked exhaustively on the cpu and wasm backends); past that the cpu kernel's rounding of
 * in / out shifts a few rows by one, e.g. row 159 of 318.
 */
export function cropResize(x: Tensor4D, box: CropBox, resize: CropResize = 'nearest'): Tensor4D {
  assertImageBatch('cropResize', x);
  const [, height, width] = x.shape;
  const { top, left } = box;
  const inside =
    [top, left, box.height, box.width].every(Number.isInteger) &&
    top >= 0 &&
    left >= 0 &&
    box.height >= 1 &&
    box.width >= 1 &&
    top + box.height <= height &&
    left + box.width <= width;
  if (!inside) {
    throw new Error(
      `cropResize: expected a box of at least 1x1 inside the ${height}x${width} image, got ` +
        `top ${top}, left ${left}, ${box.height}x${box.width}`,
    );
  }
  if (resize !== 'nearest' && resize !== 'bilinear') {
    throw new Error(`cropResize: expected resize 'nearest' or 'bilinear', got ${String(resize)}`);
  }
  return tf.tidy(() => {
    const crop = tf.slice(x, [0, top, left, 0], [-1, box.height, box.width, -1]);
    if (resize === 'bilinear') return tf.image.resizeBilinear(crop, [height, width], true, false);
    return resizeNearestFolded(crop, height, width);
  });
}

/**
 * Nearest-neighbour resize of a batch as one image whose channels are batch x channels. The
 * cpu kernel of ResizeNearestNeighborGrad (tfjs 4.22) steps through the incoming gradient with
 * the input's batch stride, which is wrong whenever the sizes differ and the batch has more than
 * one sample; with a batch of one the stride is never used. The forward values are the same,
 * and the wasm kernel, which has no such fault, gives the same gradient either way.
 */
function resizeNearestFolded(x: Tensor4D, height: number, width: number): Tensor4D {
  const [batch, inHeight, inWidth, channels] = x.shape;
  if (batch === 1) return tf.image.resizeNearestNeighbor(x, [height, width], false, false);
  const folded = tf.reshape(tf.transpose(x, [1, 2, 0, 3]), [1, inHeight, inWidth, -1]);
  const resized = tf.image.resizeNearestNeighbor(folded as Tensor4D, [height, width], false, false);
  return tf.transpose(tf.reshape(resized, [height, width, batch, channels]), [2, 0, 1, 3]);
}

/**
 * The 3/4 crop of `[batch, height, width, channels]` at `corner`, resized back to full size:
 * one view of the cropping policy.
 */
export function cornerCrop(
  x: Tensor4D,
  corner: CropCorner,
  resize: CropResize = 'nearest',
): Tensor4D {
  assertImageBatch('cornerCrop', x);
  return cropResize(x, cornerCropBox(x.shape[1], x.shape[2], corner), resize);
}
