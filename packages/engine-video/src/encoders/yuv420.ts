/** One frame in planar 4:2:0, limited range (Y 16–235, Cb/Cr 16–240), BT.709 matrix; sides even. */
export interface Yuv420Frame {
  width: number;
  height: number;
  y: Uint8Array;
  cb: Uint8Array;
  cr: Uint8Array;
}

const KR = 0.2126;
const KB = 0.0722;
const KG = 1 - KR - KB;

const clamp = (v: number, lo: number, hi: number): number => (v < lo ? lo : v > hi ? hi : v);

/**
 * Interleaved RGB bytes → 4:2:0 planes padded to `paddedWidth` × `paddedHeight` (macroblock multiples) by
 * repeating the last row and column, so the padding decodes to the picture's own edge (it is cropped away).
 */
export function rgbToYuv420(rgb: Uint8Array, width: number, height: number, paddedWidth = width, paddedHeight = height): Yuv420Frame {
  const y = new Uint8Array(paddedWidth * paddedHeight);
  const cw = paddedWidth / 2;
  const ch = paddedHeight / 2;
  const cbSum = new Float64Array(cw * ch);
  const crSum = new Float64Array(cw * ch);
  for (let row = 0; row < paddedHeight; row++) {
    const sy = Math.min(row, height - 1);
    for (let col = 0; col < paddedWidth; col++) {
      const sx = Math.min(col, width - 1);
      const i = (sy * width + sx) * 3;
      const r = rgb[i] / 255;
      const g = rgb[i + 1] / 255;
      const b = rgb[i + 2] / 255;
      const luma = KR * r + KG * g + KB * b;
      y[row * paddedWidth + col] = clamp(Math.round(16 + 219 * luma), 16, 235);
      const c = (row >> 1) * cw + (col >> 1);
      cbSum[c] += (b - luma) / (2 * (1 - KB));
      crSum[c] += (r - luma) / (2 * (1 - KR));
    }
  }
  const cb = new Uint8Array(cw * ch);
  const cr = new Uint8Array(cw * ch);
  for (let i = 0; i < cw * ch; i++) {
    cb[i] = clamp(Math.round(128 + 224 * (cbSum[i] / 4)), 16, 240);
    cr[i] = clamp(Math.round(128 + 224 * (crSum[i] / 4)), 16, 240);
  }
  return { width: paddedWidth, height: paddedHeight, y, cb, cr };
}
