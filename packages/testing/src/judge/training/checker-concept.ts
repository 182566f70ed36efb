import { backgroundColour } from '../background';
import { colourDistance, encodePng, pixelAt, type Rgb, type RgbImage } from '../image';

/**
 * The training suites' concept, one easel-tiny never saw: a shape filled with a yellow and black
 * checkerboard (16-px cells at 128×128), drawn by `checkerCircle`. (A purple and white one was
 * tried first: easel-tiny's VAE alone, encoding and decoding an instance image, turns it into a
 * white disc with pink dots, so no training of the UNet could draw it; yellow and black survive.)
 */
export const CHECKER_LIGHT: Rgb = [240, 220, 40];
export const CHECKER_DARK: Rgb = [20, 20, 20];
const CELL = 16;

/** A circle filled with the checkerboard on a flat background. */
export function checkerCircle(size: number, background: Rgb, cx: number, cy: number, radius: number): RgbImage {
  const data = new Uint8Array(size * size * 3);
  for (let y = 0; y < size; y++)
    for (let x = 0; x < size; x++) {
      const inside = (x - cx) ** 2 + (y - cy) ** 2 <= radius * radius;
      const colour = !inside ? background : (Math.floor(x / CELL) + Math.floor(y / CELL)) % 2 === 0 ? CHECKER_LIGHT : CHECKER_DARK;
      data.set(colour, (y * size + x) * 3);
    }
  return { width: size, height: size, data };
}

export interface CheckerVerdict {
  /** Grid cells (16 px) mostly covered by the object, where the pattern is read. */
  cells: number;
  /**
   * |mean luminance of the object's "odd" cells − of its "even" cells| / 255, on the instance
   * images' grid: ≈ 0.7 for the drawn concept, ≈ 0 for a flat shape (whose cells are all alike);
   * damped when the object covers fewer than 4 cells, 0 below 2.
   */
  score: number;
}

/** The object is what differs from the background (the frame's median colour) by this much. */
const OBJECT_DISTANCE = 60;
/** A cell belongs to the object when this share of its pixels does. */
const CELL_COVER = 0.5;

/**
 * Does the picture show the checkerboard concept? Its object's cells alternate in brightness on
 * the instance images' 16-px grid (a trained model keeps the grid: every instance image had it).
 */
export function judgeChecker(img: RgbImage): CheckerVerdict {
  const background = backgroundColour(img);
  const sums = [0, 0];
  const counts = [0, 0];
  let cells = 0;
  for (let cy = 0; cy * CELL < img.height; cy++)
    for (let cx = 0; cx * CELL < img.width; cx++) {
      let covered = 0;
      let luma = 0;
      let area = 0;
      for (let y = cy * CELL; y < Math.min(img.height, (cy + 1) * CELL); y++)
        for (let x = cx * CELL; x < Math.min(img.width, (cx + 1) * CELL); x++) {
          area++;
          const p = pixelAt(img, x, y);
          if (colourDistance(p, background) < OBJECT_DISTANCE) continue;
          covered++;
          luma += 0.299 * p[0] + 0.587 * p[1] + 0.114 * p[2];
        }
      if (covered < CELL_COVER * area) continue;
      const parity = (cx + cy) % 2;
      sums[parity] += luma / covered;
      counts[parity]++;
      cells++;
    }
  if (counts[0] === 0 || counts[1] === 0) return { cells, score: 0 };
  const contrast = Math.abs(sums[1] / counts[1] - sums[0] / counts[0]) / 255;
  return { cells, score: contrast * Math.min(1, cells / 4) };
}

/** The instance images' background: easel-tiny's blue, so their one caption can name it ("… on a blue background"). */
export const CHECKER_BACKGROUND: Rgb = [30, 60, 220];

/** `count` instance images (128×128 PNGs, base64) of checker circles on the blue background, placed and sized by `seed`. */
export async function checkerInstanceImages(count: number, seed = 5): Promise<string[]> {
  let state = seed;
  const next = () => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return state / 2147483648;
  };
  const images: string[] = [];
  for (let i = 0; i < count; i++) {
    const img = checkerCircle(128, CHECKER_BACKGROUND, 45 + Math.floor(next() * 38), 45 + Math.floor(next() * 38), 28 + Math.floor(next() * 10));
    images.push((await encodePng(img)).toString('base64'));
  }
  return images;
}
