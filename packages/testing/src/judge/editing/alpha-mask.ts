import sharp from 'sharp';
import { maskIou, type Mask } from '../mask';

/**
 * Which pixels an output keeps: alpha ≥ 128 of an RGBA PNG, or the grey level ≥ 128 of a mask PNG
 * (`only_mask`). An RGB image without alpha keeps every pixel.
 */
export async function keptMask(png: Buffer): Promise<Mask> {
  const { data, info } = await sharp(png).raw().toBuffer({ resolveWithObject: true });
  const { width, height, channels } = info;
  const at = channels === 4 || channels === 2 ? channels - 1 : channels === 1 ? 0 : -1;
  const mask = new Uint8Array(width * height);
  for (let i = 0; i < mask.length; i++) mask[i] = at < 0 || data[i * channels + at]! >= 128 ? 1 : 0;
  return { width, height, data: mask };
}

/** The background-removal judge: IoU of what the output keeps with the true object. */
export async function alphaMaskIou(png: Buffer, truth: Mask): Promise<number> {
  return maskIou(await keptMask(png), truth);
}
