/**
 * An 8-bit image in memory: `pixels` is [height, width, channels] row-major, 0..255, with
 * channels 1 (gray), 2 (gray, alpha), 3 (RGB) or 4 (RGBA).
 */
export interface RawImage {
  width: number;
  height: number;
  channels: number;
  pixels: Uint8Array;
}
