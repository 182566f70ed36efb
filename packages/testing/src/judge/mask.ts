/** A binary image: `data[y * width + x]` is 1 inside, 0 outside. */
export interface Mask {
  width: number;
  height: number;
  data: Uint8Array;
}

export function emptyMask(width: number, height: number): Mask {
  return { width, height, data: new Uint8Array(width * height) };
}

export function maskArea(mask: Mask): number {
  let n = 0;
  for (const v of mask.data) n += v;
  return n;
}

/** Centroid in pixel coordinates with pixel centres at +0.5 (judge.py's convention). */
export function maskCentroid(mask: Mask): { x: number; y: number } {
  let sx = 0;
  let sy = 0;
  let n = 0;
  for (let y = 0; y < mask.height; y++)
    for (let x = 0; x < mask.width; x++)
      if (mask.data[y * mask.width + x]) {
        sx += x;
        sy += y;
        n++;
      }
  if (n === 0) throw new Error('centroid of an empty mask');
  return { x: sx / n + 0.5, y: sy / n + 0.5 };
}

/** Inclusive pixel bounds of the set pixels. */
export function maskBounds(mask: Mask): { x0: number; y0: number; x1: number; y1: number } {
  let x0 = mask.width;
  let y0 = mask.height;
  let x1 = -1;
  let y1 = -1;
  for (let y = 0; y < mask.height; y++)
    for (let x = 0; x < mask.width; x++)
      if (mask.data[y * mask.width + x]) {
        if (x < x0) x0 = x;
        if (x > x1) x1 = x;
        if (y < y0) y0 = y;
        if (y > y1) y1 = y;
      }
  if (x1 < 0) throw new Error('bounds of an empty mask');
  return { x0, y0, x1, y1 };
}

/** Pixels set in both masks / set in either (IoU); 0 for two empty masks. */
export function maskIou(a: Mask, b: Mask): number {
  let inter = 0;
  let union = 0;
  for (let i = 0; i < a.data.length; i++) {
    inter += a.data[i] & b.data[i];
    union += a.data[i] | b.data[i];
  }
  return union === 0 ? 0 : inter / union;
}

/** A mask with the rectangle [x0, x1) × [y0, y1) set. */
export function rectMask(width: number, height: number, x0: number, y0: number, x1: number, y1: number): Mask {
  const mask = emptyMask(width, height);
  for (let y = Math.max(0, y0); y < Math.min(height, y1); y++)
    for (let x = Math.max(0, x0); x < Math.min(width, x1); x++) mask.data[y * width + x] = 1;
  return mask;
}
