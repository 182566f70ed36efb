import sharp from 'sharp';

/** Interleaved 8-bit RGB pixels, row by row. */
export interface RgbImage {
  data: Uint8Array;
  width: number;
  height: number;
}

/** Any image sharp reads → RGB pixels (alpha dropped, grey expanded). */
export async function decodeRgb(buf: Buffer): Promise<RgbImage> {
  const { data, info } = await sharp(buf, { failOn: 'error' }).removeAlpha().toColourspace('srgb').raw().toBuffer({ resolveWithObject: true });
  return { data: new Uint8Array(data.buffer, data.byteOffset, data.length), width: info.width, height: info.height };
}

export function encodePng(img: RgbImage): Promise<Buffer> {
  return sharp(Buffer.from(img.data.buffer, img.data.byteOffset, img.data.length), { raw: { width: img.width, height: img.height, channels: 3 } }).png().toBuffer();
}

/** One grey channel repeated into RGB (white strokes on black, as ControlNets take edge maps). */
export function greyToRgb(grey: Uint8Array, width: number, height: number): RgbImage {
  const data = new Uint8Array(width * height * 3);
  for (let i = 0; i < grey.length; i++) data[i * 3] = data[i * 3 + 1] = data[i * 3 + 2] = grey[i]!;
  return { data, width, height };
}
