import { backgroundColour } from '../background';
import { enclosedHoles } from '../components';
import type { RgbImage } from '../image';
import { foregroundMask } from '../main-object';
import { emptyMask, type Mask } from '../mask';
import { SEG_BACKGROUND } from './hints';

/** An edge hint's strokes (white on black), grown by one pixel so a Canny outline's corner gaps close. */
function strokes(hint: RgbImage): Mask {
  const { width, height } = hint;
  const white = (x: number, y: number) => x >= 0 && y >= 0 && x < width && y < height && hint.data[(y * width + x) * 3]! > 127;
  const mask = emptyMask(width, height);
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) mask.data[y * width + x] = white(x, y) || white(x - 1, y) || white(x + 1, y) || white(x, y - 1) || white(x, y + 1) ? 1 : 0;
  return mask;
}

/**
 * Where a hint says the object is (models/training/judge_controlnet.py's hint_region):
 * an edge hint (canny, scribble) — its strokes and what they enclose (closed by one pixel's
 * growth, then shrunk back); a segmentation — every
 * pixel not in the background's colour.
 */
export function hintRegion(hint: RgbImage, kind: 'edges' | 'segmentation'): Mask {
  const { width, height } = hint;
  if (kind === 'segmentation') {
    const mask = emptyMask(width, height);
    for (let i = 0; i < width * height; i++) {
      const d = Math.abs(hint.data[i * 3]! - SEG_BACKGROUND[0]) + Math.abs(hint.data[i * 3 + 1]! - SEG_BACKGROUND[1]) + Math.abs(hint.data[i * 3 + 2]! - SEG_BACKGROUND[2]);
      mask.data[i] = d > 30 ? 1 : 0;
    }
    return mask;
  }
  const outline = strokes(hint);
  const holes = enclosedHoles(outline);
  for (let i = 0; i < outline.data.length; i++) outline.data[i] = outline.data[i]! | holes.data[i]!;
  return erodeOnce(outline);
}

/** Gives back the pixel `strokes` grew the outline by (a cross-shaped erosion). */
function erodeOnce(mask: Mask): Mask {
  const { width, height } = mask;
  const at = (x: number, y: number) => x >= 0 && y >= 0 && x < width && y < height && mask.data[y * width + x] === 1;
  const out = emptyMask(width, height);
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) out.data[y * width + x] = at(x, y) && at(x - 1, y) && at(x + 1, y) && at(x, y - 1) && at(x, y + 1) ? 1 : 0;
  return out;
}

/** What a picture draws: every pixel that is not the background's colour (the border's median). */
export function drawnRegion(img: RgbImage): Mask {
  return foregroundMask(img, backgroundColour(img));
}
