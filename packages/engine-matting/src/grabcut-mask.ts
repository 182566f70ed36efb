import { borderSaliency, borderWidth } from './border-saliency';
import { loadOpenCv } from './opencv';
import type { PixelImage } from './rgb-image';

/** A pixel this many border spreads (and at least MIN_DISTANCE) away from every border colour seeds the object. */
const SALIENT_SPREADS = 2.5;
const MIN_DISTANCE = 24;
export const GRABCUT_ITERATIONS = 5;

/**
 * GrabCut's starting labels: the border strip is background for sure; pixels whose colour is far from
 * every border colour are probably the object, the rest probably background. With no such pixel (the
 * object has the background's colours) a centre prior takes over: the middle half probably the object.
 */
export function seedLabels(image: PixelImage, labels: { bgd: number; prBgd: number; prFgd: number }) {
  const { width, height } = image;
  const { saliency, spread } = borderSaliency(image);
  const threshold = Math.max(MIN_DISTANCE, SALIENT_SPREADS * spread);
  const b = borderWidth(width, height);
  const seeds = new Uint8Array(width * height);
  let salient = 0;
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) {
      const i = y * width + x;
      const inBorder = x < b || y < b || x >= width - b || y >= height - b;
      const fg = !inBorder && saliency.data[i]! > threshold;
      if (fg) salient++;
      seeds[i] = inBorder ? labels.bgd : fg ? labels.prFgd : labels.prBgd;
    }
  if (salient === 0) {
    for (let y = Math.floor(height / 4); y < Math.ceil((3 * height) / 4); y++)
      for (let x = Math.floor(width / 4); x < Math.ceil((3 * width) / 4); x++)
        seeds[y * width + x] = labels.prFgd;
  }
  return seeds;
}

/** 1 where GrabCut (seeded by seedLabels, its GMMs' k-means drawn from `seed`) finds the object, else 0. */
export async function grabCutMask(image: PixelImage, seed: number): Promise<Uint8Array> {
  const { cv } = await loadOpenCv();
  const { width, height, data, channels } = image;
  const mat = new cv.Mat(height, width, cv.CV_8UC3);
  const mask = new cv.Mat(height, width, cv.CV_8UC1);
  const bgdModel = new cv.Mat();
  const fgdModel = new cv.Mat();
  try {
    for (let i = 0; i < width * height; i++)
      for (let j = 0; j < 3; j++) mat.data[i * 3 + j] = data[i * channels + j]!;
    mask.data.set(seedLabels(image, { bgd: cv.GC_BGD, prBgd: cv.GC_PR_BGD, prFgd: cv.GC_PR_FGD }));
    // OpenCV's RNG seed is a C int; the API's seeds run to 2^32 − 1 (the upper half threw, failing the job).
    cv.setRNGSeed(seed % 0x7fffffff);
    cv.grabCut(
      mat,
      mask,
      new cv.Rect(0, 0, 0, 0),
      bgdModel,
      fgdModel,
      GRABCUT_ITERATIONS,
      cv.GC_INIT_WITH_MASK,
    );
    const out = new Uint8Array(width * height);
    for (let i = 0; i < out.length; i++) {
      const label = mask.data[i];
      out[i] = label === cv.GC_FGD || label === cv.GC_PR_FGD ? 1 : 0;
    }
    return out;
  } finally {
    for (const m of [mat, mask, bgdModel, fgdModel]) m.delete();
  }
}
