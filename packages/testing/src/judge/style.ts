import { enclosedHoles, largestComponent } from './components';
import { colourDistance, pixelAt, type Rgb, type RgbImage } from './image';
import { emptyMask, maskArea, maskBounds, type Mask } from './mask';

/**
 * Measures for the easel-tiny adapters' styles (models/training/train_adapters.py, dataset.py's
 * draw_styled): "striped" fills a shape with horizontal bands (period 16 px at 128×128) of its
 * colour and the background; "outlined" puts a near-black ring (4 px) around a flat shape; the
 * "frame" embedding draws a hollow square.
 */
export const OUTLINE_RGB: Rgb = [15, 15, 15];

/** Pixels nearer `object` than the background (and than every colour in `others`). */
export function colourMask(img: RgbImage, object: Rgb, background: Rgb, others: Rgb[] = []): Mask {
  const mask = emptyMask(img.width, img.height);
  for (let y = 0; y < img.height; y++)
    for (let x = 0; x < img.width; x++) {
      const p = pixelAt(img, x, y);
      const d = colourDistance(p, object);
      mask.data[y * img.width + x] = d < colourDistance(p, background) && others.every((o) => d < colourDistance(p, o)) ? 1 : 0;
    }
  return mask;
}

/**
 * Horizontal banding of the object's pixels: the per-row share of object pixels (over the rows
 * and columns the object spans) is autocorrelated at one period and at half of it; the score is
 * r(period) − r(period / 2). Bands alternating every period/2 rows score ≈ 2; a flat shape's
 * smooth profile scores below 0. 0 when there are too few rows to tell.
 */
export function stripeScore(img: RgbImage, object: Rgb, background: Rgb, period = 16): number {
  const mask = colourMask(img, object, background);
  if (!mask.data.some((v) => v)) return 0;
  const b = maskBounds(mask);
  const profile: number[] = [];
  for (let y = b.y0; y <= b.y1; y++) {
    let n = 0;
    for (let x = b.x0; x <= b.x1; x++) n += mask.data[y * img.width + x];
    profile.push(n / (b.x1 - b.x0 + 1));
  }
  if (profile.length < period + 2) return 0;
  const mean = profile.reduce((a, v) => a + v, 0) / profile.length;
  const c = profile.map((v) => v - mean);
  const variance = c.reduce((a, v) => a + v * v, 0) / c.length;
  if (variance === 0) return 0;
  const r = (lag: number): number => {
    let s = 0;
    for (let i = 0; i + lag < c.length; i++) s += c[i] * c[i + lag];
    return s / (c.length - lag) / variance;
  };
  return r(period) - r(period / 2);
}

/**
 * The share of near-black pixels in a band `width` px wide (less than the 4-px outline, for blur) just outside the object (its largest
 * blob of object-coloured pixels): ≈ 1 for the outlined style, ≈ 0 for a flat shape on a
 * non-black background.
 */
export function outlineScore(img: RgbImage, object: Rgb, background: Rgb, width = 3): number {
  const blob = largestComponent(colourMask(img, object, background, [OUTLINE_RGB]));
  if (!blob.data.some((v) => v)) return 0;
  const ring = dilate(blob, width);
  let dark = 0;
  let n = 0;
  for (let i = 0; i < ring.data.length; i++) {
    if (!ring.data[i] || blob.data[i]) continue;
    n++;
    const p: Rgb = [img.data[i * 3], img.data[i * 3 + 1], img.data[i * 3 + 2]];
    const d = colourDistance(p, OUTLINE_RGB);
    if (d < colourDistance(p, background) && d < colourDistance(p, object)) dark++;
  }
  return n === 0 ? 0 : dark / n;
}

/** Disc structuring element of radius r. */
function dilate(mask: Mask, r: number): Mask {
  const out = emptyMask(mask.width, mask.height);
  for (let y = 0; y < mask.height; y++)
    for (let x = 0; x < mask.width; x++) {
      if (!mask.data[y * mask.width + x]) continue;
      for (let dy = -r; dy <= r; dy++) {
        const yy = y + dy;
        if (yy < 0 || yy >= mask.height) continue;
        const dx = Math.floor(Math.sqrt(r * r - dy * dy));
        out.data.fill(1, yy * mask.width + Math.max(0, x - dx), yy * mask.width + Math.min(mask.width - 1, x + dx) + 1);
      }
    }
  return out;
}

export interface FrameFeatures {
  /** Enclosed background / the blob with its holes filled: ring and frame ≈ 0.3, solid shapes 0. */
  holeFraction: number;
  /** The blob with its holes filled / its bounding box: a frame's (square) outline 1, a ring's (disc) 0.79. */
  filledExtent: number;
}

/** What tells a frame (a hollow square) from the shapes easel-tiny knows: a hole, inside a square outline. */
export function frameFeatures(blob: Mask): FrameFeatures {
  const holes = maskArea(enclosedHoles(blob));
  const filled = maskArea(blob) + holes;
  const b = maskBounds(blob);
  return { holeFraction: holes / filled, filledExtent: filled / ((b.x1 - b.x0 + 1) * (b.y1 - b.y0 + 1)) };
}
