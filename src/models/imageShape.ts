import { UserError } from '../errors.js';

/** Image sizes the DCGAN pair supports: 28 (MNIST family), 32 (CIFAR), 64. */
export const SUPPORTED_IMAGE_SIZES = [28, 32, 64] as const;
export type ImageSize = (typeof SUPPORTED_IMAGE_SIZES)[number];

export function checkImageShape(size: number, channels: number): ImageSize {
  if (!(SUPPORTED_IMAGE_SIZES as readonly number[]).includes(size)) {
    throw new UserError(
      `model: image size ${size} is not supported; use ${SUPPORTED_IMAGE_SIZES.join(', ')} ` +
        `(resize or crop the data first)`,
    );
  }
  if (channels !== 1 && channels !== 3) {
    throw new UserError(`model: images must have 1 or 3 channels, got ${channels}`);
  }
  return size as ImageSize;
}

/** How many stride-2 stages take a 4x4 map to the image size (28 goes 4 -> 7 -> 14 -> 28). */
export function stageCount(size: ImageSize): number {
  return size === 64 ? 4 : 3;
}
