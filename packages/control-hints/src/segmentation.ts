import type { OpenCv } from './opencv';
import type { RgbImage } from './pixel-image';

/** ADE20K's first colours (wall, building, sky, floor, tree, ceiling, road, bed): what seg ControlNets read. */
export const SEG_PALETTE: readonly (readonly [number, number, number])[] = [
  [120, 120, 120], [180, 120, 120], [6, 230, 230], [80, 50, 50], [4, 200, 3], [120, 120, 80], [140, 140, 140], [204, 5, 255],
];
/** A pixel further than this (sum of |RGB| differences) from the background's colour is foreground. */
export const SEG_BACKGROUND_DISTANCE = 48;
/** Regions smaller than this fraction of the picture are left to the background. */
export const SEG_MIN_AREA_FRACTION = 0.002;

/** The most frequent colour of the picture's border. */
export function borderColour(img: RgbImage): [number, number, number] {
  const counts = new Map<number, number>();
  const add = (x: number, y: number) => {
    const o = (y * img.width + x) * 3;
    const key = (img.data[o]! << 16) | (img.data[o + 1]! << 8) | img.data[o + 2]!;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  };
  for (let x = 0; x < img.width; x++) {
    add(x, 0);
    add(x, img.height - 1);
  }
  for (let y = 0; y < img.height; y++) {
    add(0, y);
    add(img.width - 1, y);
  }
  let best = 0;
  let bestCount = -1;
  for (const [key, count] of counts) if (count > bestCount || (count === bestCount && key < best)) [best, bestCount] = [key, count];
  return [best >> 16, (best >> 8) & 255, best & 255];
}

/**
 * seg: flat colour regions. The background (the border's colour) takes the palette's first colour,
 * every other connected region the next colours, largest first (models/training/control_maps.py).
 */
export function segmentation(cv: OpenCv, img: RgbImage): RgbImage {
  const [br, bg, bb] = borderColour(img);
  const n = img.width * img.height;
  const fg = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const d = Math.abs(img.data[i * 3]! - br) + Math.abs(img.data[i * 3 + 1]! - bg) + Math.abs(img.data[i * 3 + 2]! - bb);
    fg[i] = d > SEG_BACKGROUND_DISTANCE ? 1 : 0;
  }
  const mask = cv.matFromArray(img.height, img.width, cv.CV_8UC1, fg);
  const labels = new cv.Mat();
  const stats = new cv.Mat();
  const centroids = new cv.Mat();
  try {
    const count = cv.connectedComponentsWithStats(mask, labels, stats, centroids, 8);
    const area = (label: number) => stats.data32S[label * 5 + 4]!;
    const minArea = SEG_MIN_AREA_FRACTION * n;
    const ranked = Array.from({ length: count - 1 }, (_, i) => i + 1)
      .filter((label) => area(label) >= minArea)
      .sort((a, b) => area(b) - area(a));
    const colourOf = new Map<number, readonly [number, number, number]>();
    ranked.forEach((label, rank) => colourOf.set(label, SEG_PALETTE[1 + (rank % (SEG_PALETTE.length - 1))]!));
    const out = new Uint8Array(n * 3);
    for (let i = 0; i < n; i++) {
      const c = colourOf.get(labels.data32S[i]!) ?? SEG_PALETTE[0]!;
      out[i * 3] = c[0];
      out[i * 3 + 1] = c[1];
      out[i * 3 + 2] = c[2];
    }
    return { data: out, width: img.width, height: img.height };
  } finally {
    mask.delete();
    labels.delete();
    stats.delete();
    centroids.delete();
  }
}
