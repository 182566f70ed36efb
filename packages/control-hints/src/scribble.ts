import { cannyEdges } from './canny';
import type { OpenCv } from './opencv';
import { greyToRgb, type RgbImage } from './pixel-image';

/** Dilations by a 3×3 cross that turn one-pixel edges into strokes (control_maps.py's SCRIBBLE_DILATIONS). */
export const SCRIBBLE_DILATIONS = 2;

/** scribble: thick white strokes on black, what a person draws with a marker (the Canny edges, dilated). */
export function scribble(cv: OpenCv, img: RgbImage): RgbImage {
  const edges = cannyEdges(cv, img);
  const kernel = cv.getStructuringElement(cv.MORPH_CROSS, new cv.Size(3, 3));
  const thick = new cv.Mat();
  try {
    cv.dilate(edges, thick, kernel, new cv.Point(-1, -1), SCRIBBLE_DILATIONS, cv.BORDER_CONSTANT, cv.morphologyDefaultBorderValue());
    return greyToRgb(thick.data, img.width, img.height);
  } finally {
    edges.delete();
    kernel.delete();
    thick.delete();
  }
}
