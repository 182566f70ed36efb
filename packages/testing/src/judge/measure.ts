import { colourDistance, type RgbImage } from './image';
import type { Mask } from './mask';
import { nearestColor, PALETTE, type ColorName } from './palette';

/**
 * Fraction of pixels (of the image, or of the pixels set in `within`) whose nearest named colour
 * is `name` and that lie within `maxDistance` of it (RGB units; far-off pixels belong to no named colour).
 */
export function colorFraction(img: RgbImage, name: ColorName, options: { within?: Mask; maxDistance?: number } = {}): number {
  const { within, maxDistance = 80 } = options;
  const target = PALETTE[name];
  let hits = 0;
  let total = 0;
  for (let i = 0, len = img.width * img.height; i < len; i++) {
    if (within && !within.data[i]) continue;
    total++;
    const p = [img.data[i * 3], img.data[i * 3 + 1], img.data[i * 3 + 2]] as const;
    if (nearestColor(p) === name && colourDistance(p, target) <= maxDistance) hits++;
  }
  return total === 0 ? 0 : hits / total;
}

/** Mean absolute per-channel difference (0–255) of two same-sized images over the pixels where `where(i)` holds. */
export function meanAbsDifference(a: RgbImage, b: RgbImage, where: (i: number) => boolean = () => true): number {
  if (a.width !== b.width || a.height !== b.height) throw new Error('images differ in size');
  let sum = 0;
  let n = 0;
  for (let i = 0, len = a.width * a.height; i < len; i++) {
    if (!where(i)) continue;
    for (let c = 0; c < 3; c++) sum += Math.abs(a.data[i * 3 + c] - b.data[i * 3 + c]);
    n += 3;
  }
  return n === 0 ? 0 : sum / n;
}

/** Mean absolute difference inside and outside a mask (e.g. an inpainting mask). */
export function differenceByMask(a: RgbImage, b: RgbImage, mask: Mask): { inside: number; outside: number } {
  return {
    inside: meanAbsDifference(a, b, (i) => mask.data[i] === 1),
    outside: meanAbsDifference(a, b, (i) => mask.data[i] === 0),
  };
}
