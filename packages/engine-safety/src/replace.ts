import sharp from 'sharp';

export type ReplacementType = 'blank' | 'blur' | 'pixelate' | 'black';
export type ImageFormat = 'png' | 'jpeg' | 'webp';

/** Blocks per image side of `pixelate`. */
export const PIXELATE_BLOCKS = 8;

/**
 * What a flagged image becomes, at its own size and in `format`: `blank` white (the public service's
 * "blank image"), `black`, `blur` (a Gaussian of σ = 1/10 of the longer side, so no detail survives),
 * `pixelate` (8 blocks across the longer side, each the mean of its pixels).
 */
export async function replaceImage(image: Buffer, type: ReplacementType, format: ImageFormat): Promise<Buffer> {
  const { width = 1, height = 1 } = await sharp(image).metadata();
  let out: sharp.Sharp;
  if (type === 'blank' || type === 'black') {
    const level = type === 'blank' ? 255 : 0;
    out = sharp({ create: { width, height, channels: 3, background: { r: level, g: level, b: level } } });
  } else if (type === 'blur') {
    out = sharp(image).removeAlpha().blur(Math.max(width, height) / 10);
  } else {
    const block = Math.max(1, Math.ceil(Math.max(width, height) / PIXELATE_BLOCKS));
    const small = await sharp(image)
      .removeAlpha()
      .resize(Math.ceil(width / block), Math.ceil(height / block), { kernel: 'linear', fit: 'fill' })
      .toBuffer();
    out = sharp(small).resize(Math.ceil(width / block) * block, Math.ceil(height / block) * block, { kernel: 'nearest' }).extract({ left: 0, top: 0, width, height });
  }
  if (format === 'jpeg') return out.jpeg({ quality: 90 }).toBuffer();
  if (format === 'webp') return out.webp({ quality: 90 }).toBuffer();
  return out.png().toBuffer();
}
