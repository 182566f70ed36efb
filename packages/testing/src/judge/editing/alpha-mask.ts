import sharp from 'sharp';
import { maskIou, type Mask } from '../mask';

/**
 * Which pixels an output keeps: alpha ≥ 128 of a PNG with alpha, else the grey level ≥ 128 (an
 * `only_mask` answer: white = kept).
 */
export async function keptMask(png: Buffer): Promise<Mask> {
  const { hasAlpha } = await sharp(png).metadata();
  // sharp widens a greyscale PNG to sRGB on raw output: take one channel explicitly.
  const source = hasAlpha
    ? sharp(png).ensureAlpha().extractChannel(3)
    : sharp(png).toColourspace('b-w').extractChannel(0);
  const { data, info } = await source.raw().toBuffer({ resolveWithObject: true });
  return { width: info.width, height: info.height, data: Uint8Array.from(data, (v) => (v >= 128 ? 1 : 0)) };
}

/** The background-removal judge: IoU of what the output keeps with the true object. */
export async function alphaMaskIou(png: Buffer, truth: Mask): Promise<number> {
  return maskIou(await keptMask(png), truth);
}
