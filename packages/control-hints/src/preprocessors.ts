import { canny } from './canny';
import { loadOpenCv, type OpenCv } from './opencv';
import { decodeRgb, encodePng, type RgbImage } from './pixel-image';
import { scribble } from './scribble';
import { segmentation } from './segmentation';
import { softedge } from './softedge';
import { tile } from './tile';

export type Preprocessor = (cv: OpenCv, img: RgbImage) => RgbImage;

/**
 * The preprocessor `auto_hint: yes` runs for each ControlNet type (the API's controlnet_model /
 * controlnet_type names). Types missing here (depth, normal, openpose, mlsd, lineart, ...) need
 * a model of their own: their hint must come as control_image.
 */
export const PREPROCESSORS: Readonly<Record<string, Preprocessor>> = {
  canny,
  scribble,
  softedge,
  hed: softedge,
  segmentation,
  seg: segmentation,
  tile,
};

export function hasPreprocessor(type: string): boolean {
  return Object.prototype.hasOwnProperty.call(PREPROCESSORS, type);
}

/** Runs the named preprocessor on an encoded image; the hint comes back as a PNG of the same size. */
export async function makeHint(type: string, image: Buffer): Promise<Buffer> {
  const run = PREPROCESSORS[type];
  if (!run) throw new Error(`No preprocessor for ControlNet type "${type}".`);
  const { cv } = await loadOpenCv();
  return encodePng(run(cv, await decodeRgb(image)));
}
