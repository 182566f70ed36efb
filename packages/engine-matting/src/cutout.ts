import sharp from 'sharp';
import type { RemoveBackgroundRequest, RemovedBackground } from './local-matting';

/**
 * What every background-removal engine answers once it has an alpha mask for the picture: the
 * RGBA cut-out (or the greyscale mask alone with onlyMask, inverted with inverseMask) and the
 * object's share of the picture (alpha ≥ 128, before the inversion).
 */
export async function cutout(
  rgb: Buffer,
  alphaIn: Uint8Array,
  width: number,
  height: number,
  request: Pick<RemoveBackgroundRequest, 'onlyMask' | 'inverseMask'>,
): Promise<RemovedBackground> {
  let object = 0;
  for (const a of alphaIn) if (a >= 128) object++;
  const alpha = request.inverseMask ? alphaIn.map((a) => 255 - a) : alphaIn;
  const image = request.onlyMask
    ? await sharp(Buffer.from(alpha), { raw: { width, height, channels: 1 } })
        .toColourspace('b-w')
        .png()
        .toBuffer()
    : await sharp(rgb, { raw: { width, height, channels: 3 } })
        .joinChannel(Buffer.from(alpha), { raw: { width, height, channels: 1 } })
        .png()
        .toBuffer();
  return { image, width, height, foregroundFraction: object / (width * height) };
}
