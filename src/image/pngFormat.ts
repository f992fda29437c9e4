/** Facts of the PNG format shared by the encoder and the decoder. */

/** The 8 bytes every PNG starts with. */
export const PNG_SIGNATURE = Uint8Array.of(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a);

/** PNG colour type of each channel count: gray 0, gray+alpha 4, RGB 2, RGBA 6. */
export const COLOR_TYPE_OF_CHANNELS: Record<number, number> = { 1: 0, 2: 4, 3: 2, 4: 6 };

/** Channel count of each supported colour type (palette, type 3, is not supported). */
export const CHANNELS_OF_COLOR_TYPE: Record<number, number> = { 0: 1, 4: 2, 2: 3, 6: 4 };

/** Row filter types: each row's first byte says which one it was written with. */
export const PNG_FILTER = { none: 0, sub: 1, up: 2, average: 3, paeth: 4 } as const;

/** The Paeth predictor: whichever of left, up, upper-left is closest to left + up - upperLeft. */
export function paeth(left: number, up: number, upperLeft: number): number {
  const p = left + up - upperLeft;
  const pa = Math.abs(p - left);
  const pb = Math.abs(p - up);
  const pc = Math.abs(p - upperLeft);
  if (pa <= pb && pa <= pc) return left;
  if (pb <= pc) return up;
  return upperLeft;
}
