/** Interleaved 8-bit pixels, row by row. */
export interface PixelImage {
  data: Uint8Array;
  width: number;
  height: number;
  channels: number;
}

/** A mask with one value per pixel: 0–1 (a probability or an alpha). */
export interface FloatMask {
  data: Float32Array;
  width: number;
  height: number;
}
