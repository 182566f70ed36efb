import sharp from 'sharp';
import { InvalidRequestError } from '../errors';

/**
 * A hint image → float32 CHW [3, height, width] in [0, 1], resized to the output size as
 * diffusers' control image processor does (Lanczos, no normalisation to [-1, 1]).
 */
export async function loadControlImage(buf: Buffer, width: number, height: number, field = 'control_image'): Promise<Float32Array> {
  if (!Buffer.isBuffer(buf) || buf.length === 0) throw new InvalidRequestError('invalid_image', field, `The ${field} must be an image.`);
  let rgb: Buffer;
  try {
    rgb = await sharp(buf, { failOn: 'error' }).removeAlpha().toColourspace('srgb').resize(width, height, { fit: 'fill', kernel: 'lanczos3' }).raw().toBuffer();
  } catch (err) {
    throw new InvalidRequestError('invalid_image', field, `The ${field} could not be read as an image: ${(err as Error).message}`);
  }
  const plane = width * height;
  const channels = rgb.length / plane;
  const out = new Float32Array(3 * plane);
  for (let i = 0; i < plane; i++) {
    for (let c = 0; c < 3; c++) out[c * plane + i] = rgb[i * channels + Math.min(c, channels - 1)]! / 255;
  }
  return out;
}
