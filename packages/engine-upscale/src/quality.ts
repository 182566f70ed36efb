/** Peak signal-to-noise ratio of two same-sized 8-bit images, in dB (Infinity when identical). */
export function psnr(a: Uint8Array, b: Uint8Array): number {
  if (a.length !== b.length) throw new Error(`psnr: ${a.length} vs ${b.length} values`);
  let squared = 0;
  for (let i = 0; i < a.length; i++) squared += (a[i] - b[i]) ** 2;
  const mse = squared / a.length;
  return mse === 0 ? Infinity : 10 * Math.log10((255 * 255) / mse);
}

/** ITU-R BT.601 luma (16–235) of interleaved RGB, without a `crop`-pixel border. */
export function luma(rgb: Uint8Array, width: number, height: number, crop = 0): Uint8Array {
  const out = new Uint8Array((width - 2 * crop) * (height - 2 * crop));
  let o = 0;
  for (let y = crop; y < height - crop; y++) {
    for (let x = crop; x < width - crop; x++) {
      const p = (y * width + x) * 3;
      out[o++] = Math.round(16 + (65.481 * rgb[p] + 128.553 * rgb[p + 1] + 24.966 * rgb[p + 2]) / 255);
    }
  }
  return out;
}

/**
 * PSNR as super-resolution papers report it (RDN, ESRGAN): on the luma channel, without a border
 * as wide as the scale factor.
 */
export const psnrY = (a: Uint8Array, b: Uint8Array, width: number, height: number, scale: number) =>
  psnr(luma(a, width, height, scale), luma(b, width, height, scale));
