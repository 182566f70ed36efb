import type { CvMat, OpenCv } from './opencv';
import { greyToRgb, type RgbImage } from './pixel-image';

/**
 * Thresholds of the Canny preprocessor. lllyasviel's annotator uses 100 / 200; on easel-tiny's flat
 * synthetic scenes those found no edge at all around a fifth of the objects (colours of close
 * luminance), 50 / 100 misses 8 %. models/training/control_maps.py trains with the same values.
 */
export const CANNY_LOW = 50;
export const CANNY_HIGH = 100;

/** The grey image's Canny edges as a single-channel Mat (the caller deletes it). */
export function cannyEdges(cv: OpenCv, img: RgbImage): CvMat {
  const rgb = cv.matFromArray(img.height, img.width, cv.CV_8UC3, img.data);
  const grey = new cv.Mat();
  const edges = new cv.Mat();
  try {
    cv.cvtColor(rgb, grey, cv.COLOR_RGB2GRAY);
    cv.Canny(grey, edges, CANNY_LOW, CANNY_HIGH);
    return edges;
  } finally {
    rgb.delete();
    grey.delete();
  }
}

/** canny: white edges on black. */
export function canny(cv: OpenCv, img: RgbImage): RgbImage {
  const edges = cannyEdges(cv, img);
  try {
    return greyToRgb(edges.data, img.width, img.height);
  } finally {
    edges.delete();
  }
}
