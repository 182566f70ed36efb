import sharp from 'sharp';
import { InvalidRequestError } from '../errors';
import type { OutputFormat } from './types';

async function decode(buf: Buffer, field: string, width: number, height: number, grey: boolean): Promise<Buffer> {
  if (!Buffer.isBuffer(buf) || buf.length === 0) throw new InvalidRequestError('invalid_image', field, `The ${field} must be an image.`);
  try {
    let img = sharp(buf, { failOn: 'error' }).removeAlpha();
    if (grey) img = img.greyscale();
    img = img.resize(width, height, { fit: 'fill' }).toColourspace(grey ? 'b-w' : 'srgb');
    const { data, info } = await img.raw().toBuffer({ resolveWithObject: true });
    const want = grey ? 1 : 3;
    if (info.channels === want) return data;
    // keep the first `want` channels
    const out = Buffer.alloc(width * height * want);
    for (let i = 0, n = width * height; i < n; i++) for (let c = 0; c < want; c++) out[i * want + c] = data[i * info.channels + c];
    return out;
  } catch (err) {
    throw new InvalidRequestError('invalid_image', field, `The ${field} could not be read as an image: ${(err as Error).message}`);
  }
}

/** Any image sharp reads → float32 CHW [3, height, width] in [-1, 1] (diffusers' VaeImageProcessor). */
export async function loadImage(buf: Buffer, width: number, height: number, field = 'init_image'): Promise<Float32Array> {
  const rgb = await decode(buf, field, width, height, false);
  const plane = width * height;
  const out = new Float32Array(3 * plane);
  for (let i = 0; i < plane; i++) {
    out[i] = rgb[i * 3] / 127.5 - 1;
    out[plane + i] = rgb[i * 3 + 1] / 127.5 - 1;
    out[2 * plane + i] = rgb[i * 3 + 2] / 127.5 - 1;
  }
  return out;
}

/** Mask image → float32 [height, width] of 0/1 (white = 1 = repaint; binarised at 0.5). */
export async function loadMask(buf: Buffer, width: number, height: number, field = 'mask_image'): Promise<Float32Array> {
  const grey = await decode(buf, field, width, height, true);
  const out = new Float32Array(width * height);
  for (let i = 0; i < out.length; i++) out[i] = grey[i] >= 127.5 ? 1 : 0;
  return out;
}

/** VAE output (float32 CHW in [-1, 1]) → 0–1 CHW floats written into `pixels`, and interleaved RGB bytes. */
export function toPixels(decoded: Float32Array, width: number, height: number, pixels?: Float32Array, offset = 0): Buffer {
  const plane = width * height;
  const rgb = Buffer.allocUnsafe(plane * 3);
  for (let c = 0; c < 3; c++) {
    const base = c * plane;
    for (let i = 0; i < plane; i++) {
      let v = decoded[base + i] / 2 + 0.5;
      v = v < 0 ? 0 : v > 1 ? 1 : v;
      if (pixels) pixels[offset + base + i] = v;
      rgb[i * 3 + c] = Math.round(v * 255);
    }
  }
  return rgb;
}

export const MIME_TYPES: Record<OutputFormat, string> = { png: 'image/png', jpeg: 'image/jpeg', webp: 'image/webp' };

export async function encodeImage(rgb: Buffer, width: number, height: number, format: OutputFormat, quality: number): Promise<Buffer> {
  const img = sharp(rgb, { raw: { width, height, channels: 3 } });
  if (format === 'jpeg') return img.jpeg({ quality }).toBuffer();
  if (format === 'webp') return img.webp({ quality }).toBuffer();
  return img.png().toBuffer();
}
