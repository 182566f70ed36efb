import { largestComponent } from './components';
import { medianColour, type Rgb, type RgbImage } from './image';
import { emptyMask, maskArea, type Mask } from './mask';

/** A pixel is foreground when farther than this from the background colour (RGB units, as judge.py). */
export const FOREGROUND_DISTANCE = 60;
/** Fewer foreground pixels than this: no object. */
export const MIN_OBJECT_AREA = 12;

export interface MainObject {
  /** Median colour of the blob. */
  rgb: Rgb;
  /** The blob, re-thresholded half-way between background and object colour (sharper outline for shapes). */
  mask: Mask;
}

function squaredDistance(img: RgbImage, i: number, c: Rgb): number {
  const r = img.data[i * 3] - c[0];
  const g = img.data[i * 3 + 1] - c[1];
  const b = img.data[i * 3 + 2] - c[2];
  return r * r + g * g + b * b;
}

function maskWhere(img: RgbImage, test: (i: number) => boolean): Mask {
  const mask = emptyMask(img.width, img.height);
  for (let i = 0; i < mask.data.length; i++) mask.data[i] = test(i) ? 1 : 0;
  return mask;
}

/** Pixels farther than `distance` from `bg`. */
export function foregroundMask(img: RgbImage, bg: Rgb, distance = FOREGROUND_DISTANCE): Mask {
  return maskWhere(img, (i) => squaredDistance(img, i, bg) > distance * distance);
}

/**
 * The largest blob that is not background, or null when there is (almost) none.
 * Its colour comes from the fixed-threshold blob (judge.py); its outline is then re-cut at
 * the mid-point between background and object colour, so a low-contrast pair (orange on
 * yellow: 87 apart) keeps its anti-aliased edge instead of losing it to the fixed threshold.
 */
export function mainObject(img: RgbImage, bg: Rgb): MainObject | null {
  const coarse = largestComponent(foregroundMask(img, bg));
  if (maskArea(coarse) < MIN_OBJECT_AREA) return null;
  const rgb = medianColour(img, (i) => coarse.data[i] === 1);
  const fine = largestComponent(maskWhere(img, (i) => squaredDistance(img, i, rgb) < squaredDistance(img, i, bg)));
  return { rgb, mask: maskArea(fine) >= MIN_OBJECT_AREA ? fine : coarse };
}
