/** SDXL's micro-conditioning (Podell et al. 2023, §2.2), as the pipelines' `_get_add_time_ids` lay it out. */
export interface SdxlMicroConditioning {
  width: number;
  height: number;
  /** The size the training image had before resizing (default: the output size). */
  originalSize?: { width: number; height: number };
  /** Crop coordinates (default 0, 0: centred, uncropped-looking images). */
  cropTopLeft?: { top: number; left: number };
  /** The refiner's aesthetic score (default 6) and the negative rows' (default 2.5). */
  aestheticScore?: number;
  negativeAestheticScore?: number;
}

/**
 * [negative, positive] time ids: base (6 values) original (h, w), crop (top, left), target (h, w);
 * refiner (5 values, requires_aesthetics_score) original (h, w), crop (top, left), aesthetic score.
 * The negative rows use the same sizes (diffusers' default negative_original_size etc.).
 */
export function sdxlTimeIds(c: SdxlMicroConditioning, count: number): [number[], number[]] {
  const original = c.originalSize ?? { width: c.width, height: c.height };
  const crop = c.cropTopLeft ?? { top: 0, left: 0 };
  const head = [original.height, original.width, crop.top, crop.left];
  if (count === 5) return [[...head, c.negativeAestheticScore ?? 2.5], [...head, c.aestheticScore ?? 6]];
  if (count === 6) return [[...head, c.height, c.width], [...head, c.height, c.width]];
  throw new Error(`an SDXL UNet takes 5 or 6 time ids, not ${count}`);
}
