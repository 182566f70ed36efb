import { cannyEdges } from './canny';
import type { OpenCv } from './opencv';
import { greyToRgb, type RgbImage } from './pixel-image';

/** softedge (HED-like): the Canny edges blurred into soft grey ramps, their peak brought back to white. */
export function softedge(cv: OpenCv, img: RgbImage): RgbImage {
  const edges = cannyEdges(cv, img);
  const soft = new cv.Mat();
  try {
    cv.GaussianBlur(edges, soft, new cv.Size(0, 0), Math.max(1, Math.min(img.width, img.height) / 256));
    let peak = 0;
    for (const v of soft.data) peak = Math.max(peak, v);
    const grey = new Uint8Array(soft.data.length);
    if (peak > 0) for (let i = 0; i < grey.length; i++) grey[i] = Math.round((soft.data[i]! * 255) / peak);
    return greyToRgb(grey, img.width, img.height);
  } finally {
    edges.delete();
    soft.delete();
  }
}
