import type { OpenCv } from './opencv';
import type { RgbImage } from './pixel-image';

/** How much the tile preprocessor shrinks the picture before bringing it back (its detail is what the model adds). */
export const TILE_DOWNSCALE = 4;

/** tile: the picture blurred by a round trip through a quarter of its size (area down, cubic up). */
export function tile(cv: OpenCv, img: RgbImage): RgbImage {
  const src = cv.matFromArray(img.height, img.width, cv.CV_8UC3, img.data);
  const small = new cv.Mat();
  const back = new cv.Mat();
  try {
    const w = Math.max(1, Math.round(img.width / TILE_DOWNSCALE));
    const h = Math.max(1, Math.round(img.height / TILE_DOWNSCALE));
    cv.resize(src, small, new cv.Size(w, h), 0, 0, cv.INTER_AREA);
    cv.resize(small, back, new cv.Size(img.width, img.height), 0, 0, cv.INTER_CUBIC);
    return { data: Uint8Array.from(back.data), width: img.width, height: img.height };
  } finally {
    src.delete();
    small.delete();
    back.delete();
  }
}
