import type { RgbImage } from '../image';

/** Where the original lies on the outpainted canvas, and the blend band on each side that grew. */
export interface Placement {
  x: number;
  y: number;
  width: number;
  height: number;
  bands: { left: number; right: number; top: number; bottom: number };
}

export interface OutpaintJudgement {
  /** Pixels of the original, outside the blend bands, whose bytes changed (must be 0). */
  changed: number;
  /** Pixels compared. */
  kept: number;
  /**
   * The seam's step: the mean absolute change (0–255, over channels) from the last pixel kept exactly to
   * the first fill pixel beyond the image, divided by the pixels between them (band + 1).
   */
  seamStep: number;
  /** The same step between neighbouring pixels inside the original (its own texture). */
  ownStep: number;
}

const step = (img: RgbImage, x0: number, y0: number, x1: number, y1: number) => {
  const a = (y0 * img.width + x0) * 3;
  const b = (y1 * img.width + x1) * 3;
  let s = 0;
  for (let c = 0; c < 3; c++) s += Math.abs(img.data[a + c]! - img.data[b + c]!);
  return s / 3;
};

/**
 * The outpaint judge: the original's pixels are kept exactly outside the blend bands, and the step
 * across each seam (from the kept image into the fill, on every side that grew) is close to the steps
 * between the original's own neighbours — a fill of another colour, or a hard edge, shows as a large one.
 */
export function judgeOutpaint(out: RgbImage, original: RgbImage, at: Placement): OutpaintJudgement {
  const { x, y, width, height, bands } = at;
  let changed = 0;
  let kept = 0;
  for (let v = bands.top; v < height - bands.bottom; v++)
    for (let u = bands.left; u < width - bands.right; u++) {
      kept++;
      const o = ((y + v) * out.width + x + u) * 3;
      const i = (v * original.width + u) * 3;
      if (
        out.data[o] !== original.data[i] ||
        out.data[o + 1] !== original.data[i + 1] ||
        out.data[o + 2] !== original.data[i + 2]
      )
        changed++;
    }
  // From the last pixel kept exactly to the first pixel of the fill beyond the image: the change
  // across the whole transition, per pixel of distance (band + 1 pixels apart).
  const seams: number[] = [];
  for (let v = y + bands.top; v < y + height - bands.bottom; v++) {
    if (x > 0) seams.push(step(out, x + bands.left, v, x - 1, v) / (bands.left + 1));
    if (x + width < out.width)
      seams.push(step(out, x + width - 1 - bands.right, v, x + width, v) / (bands.right + 1));
  }
  for (let u = x + bands.left; u < x + width - bands.right; u++) {
    if (y > 0) seams.push(step(out, u, y + bands.top, u, y - 1) / (bands.top + 1));
    if (y + height < out.height)
      seams.push(step(out, u, y + height - 1 - bands.bottom, u, y + height) / (bands.bottom + 1));
  }
  const own: number[] = [];
  for (let v = 0; v < original.height - 1; v++)
    for (let u = 0; u < original.width - 1; u++)
      own.push(step(original, u, v, u + 1, v), step(original, u, v, u, v + 1));
  const avg = (xs: number[]) => (xs.length === 0 ? 0 : xs.reduce((a, b) => a + b, 0) / xs.length);
  return { changed, kept, seamStep: avg(seams), ownStep: avg(own) };
}
