import { boxBlur } from './border-saliency';
import type { PixelImage } from './rgb-image';

export interface AlphaMattingOptions {
  /** Alpha (0–255) above which a pixel is the object for sure (rembg's default 240). */
  foregroundThreshold: number;
  /** Alpha below which a pixel is background for sure (default 20). */
  backgroundThreshold: number;
  /** Pixels the sure regions are eroded by before matting (default 5). */
  erodeSize: number;
}

function erode(region: Uint8Array, width: number, height: number, size: number): Uint8Array {
  let current = region;
  for (let step = 0; step < size; step++) {
    const next = current.slice();
    for (let y = 0; y < height; y++)
      for (let x = 0; x < width; x++) {
        const i = y * width + x;
        if (!current[i]) continue;
        if (
          (x > 0 && !current[i - 1]) ||
          (x < width - 1 && !current[i + 1]) ||
          (y > 0 && !current[i - width]) ||
          (y < height - 1 && !current[i + width])
        )
          next[i] = 0;
      }
    current = next;
  }
  return current;
}

/**
 * rembg's `alpha_matting` in spirit: a trimap from the alpha's thresholds (sure regions eroded by
 * `erodeSize`), and each unknown pixel's alpha from where its colour lies between the mean colours of
 * the sure object and the sure background near it (a local linear colour model).
 */
export function alphaMatting(image: PixelImage, alpha: Uint8Array, options: AlphaMattingOptions): Uint8Array {
  const { width, height, data, channels } = image;
  const n = width * height;
  const fg = erode(
    Uint8Array.from(alpha, (a) => (a > options.foregroundThreshold ? 1 : 0)),
    width,
    height,
    options.erodeSize,
  );
  const bg = erode(
    Uint8Array.from(alpha, (a) => (a < options.backgroundThreshold ? 1 : 0)),
    width,
    height,
    options.erodeSize,
  );
  const radius = 2 * options.erodeSize + 4;
  const localMean = (region: Uint8Array) => {
    const weight = boxBlur({ width, height, data: Float32Array.from(region) }, radius).data;
    const sums = [0, 1, 2].map(
      (c) =>
        boxBlur(
          { width, height, data: Float32Array.from(region, (r, i) => r * data[i * channels + c]!) },
          radius,
        ).data,
    );
    return { weight, sums };
  };
  const f = localMean(fg);
  const b = localMean(bg);
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    if (fg[i]) out[i] = 255;
    else if (bg[i]) out[i] = 0;
    else if (f.weight[i]! === 0 || b.weight[i]! === 0) out[i] = alpha[i]!;
    else {
      let num = 0;
      let den = 0;
      for (let c = 0; c < 3; c++) {
        const F = f.sums[c]![i]! / f.weight[i]!;
        const B = b.sums[c]![i]! / b.weight[i]!;
        num += (data[i * channels + c]! - B) * (F - B);
        den += (F - B) * (F - B);
      }
      out[i] = den < 1 ? alpha[i]! : Math.round(255 * Math.min(1, Math.max(0, num / den)));
    }
  }
  return out;
}
