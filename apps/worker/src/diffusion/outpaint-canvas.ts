import type { OutpaintParams, OutpaintSides } from '@easel/contracts';
import sharp from 'sharp';
import { PermanentJobError } from '../service-handler';

/** API.md's ceiling on an outpaint canvas's side. */
export const OUTPAINT_MAX_SIDE = 1440;
/** The model draws at most this many times its native side (further, it repeats itself); the fill is resized to the canvas. */
export const WORKING_SIDE_FACTOR = 2;

/** Where the image lies on the canvas, what the model draws at, and the blend band on each side that grew. */
export interface CanvasPlan {
  width: number;
  height: number;
  x: number;
  y: number;
  imageWidth: number;
  imageHeight: number;
  /** < 1 when a centred image was larger than the canvas and was scaled down to fit. */
  scale: number;
  /** Pixels of the image blended into the fill along each side; 0 where the canvas did not grow. */
  bands: OutpaintSides;
  working: { width: number; height: number };
}

/** UNets halve the latent up to three times (SD 1.5): a side the model draws at is a multiple of 64 pixels. */
const SIDE_MULTIPLE = 64;
const roundSide = (v: number) => Math.max(SIDE_MULTIPLE, Math.round(v / SIDE_MULTIPLE) * SIDE_MULTIPLE);

/** The canvas for an image of `image`'s size: grown by the sides, or width × height with the image centred. */
export function planCanvas(
  image: { width: number; height: number },
  target: { width: number; height: number },
  outpaint: OutpaintParams,
  nativeSide: number,
): CanvasPlan {
  const { extend, overlapWidth } = outpaint;
  let width: number,
    height: number,
    x: number,
    y: number,
    scale = 1;
  let { width: imageWidth, height: imageHeight } = image;
  if (extend) {
    width = imageWidth + extend.left + extend.right;
    height = imageHeight + extend.top + extend.bottom;
    if (width > OUTPAINT_MAX_SIDE)
      throw new PermanentJobError(
        `The canvas (image width + left + right) must not be greater than ${OUTPAINT_MAX_SIDE}; it is ${width}.`,
        extend.right > 0 ? 'right' : 'left',
      );
    if (height > OUTPAINT_MAX_SIDE)
      throw new PermanentJobError(
        `The canvas (image height + top + bottom) must not be greater than ${OUTPAINT_MAX_SIDE}; it is ${height}.`,
        extend.bottom > 0 ? 'bottom' : 'top',
      );
    [x, y] = [extend.left, extend.top];
  } else {
    ({ width, height } = target);
    scale = Math.min(1, width / imageWidth, height / imageHeight);
    if (scale < 1)
      [imageWidth, imageHeight] = [
        Math.max(1, Math.floor(imageWidth * scale)),
        Math.max(1, Math.floor(imageHeight * scale)),
      ];
    [x, y] = [Math.floor((width - imageWidth) / 2), Math.floor((height - imageHeight) / 2)];
  }
  const band = (grew: boolean, side: number) => (grew ? Math.min(overlapWidth, Math.floor(side / 2)) : 0);
  const bands = {
    left: band(x > 0, imageWidth),
    right: band(x + imageWidth < width, imageWidth),
    top: band(y > 0, imageHeight),
    bottom: band(y + imageHeight < height, imageHeight),
  };
  const fit = Math.min(1, (WORKING_SIDE_FACTOR * nativeSide) / Math.max(width, height));
  const working = { width: roundSide(width * fit), height: roundSide(height * fit) };
  return { width, height, x, y, imageWidth, imageHeight, scale, bands, working };
}

/**
 * The inpainting request's images at the canvas's size: the image on the canvas with its edge pixels
 * stretched over the new area (a neutral start where the steps begin from it), and the mask — white
 * over the new area and the blend bands.
 */
export async function canvasImages(
  rgb: Buffer,
  plan: CanvasPlan,
): Promise<{ initImage: Buffer; maskImage: Buffer }> {
  const { width, height, x, y, imageWidth, imageHeight, bands } = plan;
  const initImage = await sharp(rgb, { raw: { width: imageWidth, height: imageHeight, channels: 3 } })
    .extend({
      left: x,
      top: y,
      right: width - x - imageWidth,
      bottom: height - y - imageHeight,
      extendWith: 'copy',
    })
    .png()
    .toBuffer();
  const mask = Buffer.alloc(width * height, 255);
  for (let row = y + bands.top; row < y + imageHeight - bands.bottom; row++)
    mask.fill(0, row * width + x + bands.left, row * width + x + imageWidth - bands.right);
  const maskImage = await sharp(mask, { raw: { width, height, channels: 1 } })
    .png()
    .toBuffer();
  return { initImage, maskImage };
}

/** How much of the image a pixel of its rectangle keeps: 1 past every blend band, a linear ramp inside one. */
export function imageWeight(plan: CanvasPlan, px: number, py: number): number {
  const { x, y, imageWidth, imageHeight, bands } = plan;
  const ramp = (distance: number, band: number) =>
    band === 0 ? 1 : Math.min(1, (distance + 0.5) / (band + 0.5));
  return Math.min(
    ramp(px - x, bands.left),
    ramp(x + imageWidth - 1 - px, bands.right),
    ramp(py - y, bands.top),
    ramp(y + imageHeight - 1 - py, bands.bottom),
  );
}

/**
 * The delivered canvas (RGB bytes): the fill (resized to the canvas) outside the image, the image
 * blended into it across the bands, and the image's own bytes everywhere else.
 */
export async function composite(rgb: Buffer, fillPng: Buffer, plan: CanvasPlan): Promise<Buffer> {
  const { width, height, x, y, imageWidth, imageHeight } = plan;
  const fill = await sharp(fillPng)
    .removeAlpha()
    .resize(width, height, { fit: 'fill', kernel: 'lanczos3' })
    .raw()
    .toBuffer();
  const out = Buffer.from(fill);
  for (let py = y; py < y + imageHeight; py++)
    for (let px = x; px < x + imageWidth; px++) {
      const a = imageWeight(plan, px, py);
      const o = (py * width + px) * 3;
      const i = ((py - y) * imageWidth + (px - x)) * 3;
      for (let c = 0; c < 3; c++)
        out[o + c] = a === 1 ? rgb[i + c]! : Math.round(a * rgb[i + c]! + (1 - a) * fill[o + c]!);
    }
  return out;
}
