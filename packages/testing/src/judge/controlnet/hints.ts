import { emptyMask, type Mask } from '../mask';
import type { RgbImage } from '../image';

/** ADE20K's first colours, as the segmentation preprocessor paints (packages/control-hints): background, then objects. */
export const SEG_BACKGROUND = [120, 120, 120] as const;
export const SEG_OBJECT = [180, 120, 120] as const;

/** A square given by its left/top corner and side, in pixels. */
export interface Square {
  x: number;
  y: number;
  side: number;
}

/** A Canny-style hint: the square's one-pixel white outline on black (what Canny finds around a filled square). */
export function squareOutlineHint(size: number, sq: Square): RgbImage {
  const data = new Uint8Array(size * size * 3);
  for (let y = sq.y; y < sq.y + sq.side; y++)
    for (let x = sq.x; x < sq.x + sq.side; x++) {
      const edge = y === sq.y || y === sq.y + sq.side - 1 || x === sq.x || x === sq.x + sq.side - 1;
      if (edge) data.fill(255, (y * size + x) * 3, (y * size + x) * 3 + 3);
    }
  return { width: size, height: size, data };
}

/** A segmentation hint: a disc in the first object colour on the background colour. */
export function discSegHint(size: number, cx: number, cy: number, r: number): RgbImage {
  const data = new Uint8Array(size * size * 3);
  for (let i = 0; i < size * size; i++) {
    const x = (i % size) + 0.5;
    const y = Math.floor(i / size) + 0.5;
    const c = (x - cx) ** 2 + (y - cy) ** 2 <= r * r ? SEG_OBJECT : SEG_BACKGROUND;
    data.set(c, i * 3);
  }
  return { width: size, height: size, data };
}

/** A picture like easel-tiny's: a filled square of `fill` on `background` (to make a hint from with auto_hint). */
export function squarePicture(size: number, sq: Square, fill: readonly number[], background: readonly number[]): RgbImage {
  const data = new Uint8Array(size * size * 3);
  for (let i = 0; i < size * size; i++) {
    const x = i % size;
    const y = Math.floor(i / size);
    const inside = x >= sq.x && x < sq.x + sq.side && y >= sq.y && y < sq.y + sq.side;
    data.set(inside ? fill : background, i * 3);
  }
  return { width: size, height: size, data };
}

/** The filled square itself. */
export function squareMask(size: number, sq: Square): Mask {
  const mask = emptyMask(size, size);
  for (let y = sq.y; y < sq.y + sq.side; y++) mask.data.fill(1, y * size + sq.x, y * size + sq.x + sq.side);
  return mask;
}
