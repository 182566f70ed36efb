import sharp from 'sharp';
import { loadOpenCv } from './opencv';

export type Rgb = readonly [number, number, number];

export interface RemoveObjectRequest {
  /** White = remove (any image sharp reads, the picture's size); null: made from `colour`. */
  mask: Buffer | null;
  /** The object's colour: every pixel nearer to it than to any other colour of `palette` is removed. */
  colour: Rgb | null;
  /** The named colours a pixel is sorted among (the contract's OBJECT_REMOVAL_COLOURS). */
  palette: readonly Rgb[];
  /** Pixels the mask grows by (the object's soft edge and halo go with it). */
  maskDilate: number;
  /** Telea's neighbourhood radius, pixels. */
  fillRadius: number;
}

export interface RemovedObject {
  /** An RGB PNG of the picture's size. */
  image: Buffer;
  width: number;
  height: number;
  /** The share of the picture that was removed and filled (after dilation). */
  maskFraction: number;
}

const distance2 = (data: Uint8Array, i: number, c: Rgb) =>
  (data[i]! - c[0]) ** 2 + (data[i + 1]! - c[1]) ** 2 + (data[i + 2]! - c[2]) ** 2;

/** 1 where the pixel's nearest palette colour is `colour` (RGB bytes, 3 a pixel). */
export function colourMask(rgb: Uint8Array, colour: Rgb, palette: readonly Rgb[]): Uint8Array {
  const out = new Uint8Array(rgb.length / 3);
  const others = palette.filter((c) => c.some((v, k) => v !== colour[k]));
  for (let p = 0; p < out.length; p++) {
    const own = distance2(rgb, p * 3, colour);
    out[p] = others.every((c) => own < distance2(rgb, p * 3, c)) ? 1 : 0;
  }
  return out;
}

/** The mask grown by `radius` pixels in every direction (a square: two passes of a running maximum). */
export function dilate(mask: Uint8Array, width: number, height: number, radius: number): Uint8Array {
  if (radius <= 0) return mask;
  const pass = (src: Uint8Array, horizontal: boolean) => {
    const out = new Uint8Array(src.length);
    const [lines, length] = horizontal ? [height, width] : [width, height];
    for (let line = 0; line < lines; line++) {
      const at = (k: number) => (horizontal ? line * width + k : k * width + line);
      let lastOn = -Infinity;
      // Forward: within `radius` after an on-pixel; backward: within `radius` before one.
      for (let k = 0; k < length; k++) {
        if (src[at(k)]) lastOn = k;
        if (k - lastOn <= radius) out[at(k)] = 1;
      }
      let nextOn = Infinity;
      for (let k = length - 1; k >= 0; k--) {
        if (src[at(k)]) nextOn = k;
        if (nextOn - k <= radius) out[at(k)] = 1;
      }
    }
    return out;
  };
  return pass(pass(mask, true), false);
}

/**
 * Object removal: the mask (sent, or made from the named colour) grown by `maskDilate`, then the
 * hole filled from its surroundings by OpenCV's Telea inpainting. Pixels outside the grown mask are
 * the input's, unchanged.
 */
export async function removeObject(bytes: Buffer, request: RemoveObjectRequest): Promise<RemovedObject> {
  const { data: rgb, info } = await sharp(bytes)
    .removeAlpha()
    .toColourspace('srgb')
    .raw()
    .toBuffer({ resolveWithObject: true });
  const { width, height } = info;
  let mask: Uint8Array;
  if (request.mask) {
    const grey = await sharp(request.mask)
      .removeAlpha()
      .greyscale()
      .resize(width, height, { fit: 'fill' })
      .extractChannel(0)
      .raw()
      .toBuffer();
    mask = Uint8Array.from(grey, (v) => (v >= 128 ? 1 : 0));
  } else if (request.colour) {
    mask = colourMask(rgb, request.colour, request.palette);
  } else {
    throw new Error('object removal needs a mask or a colour');
  }
  mask = dilate(mask, width, height, request.maskDilate);
  let removed = 0;
  for (const m of mask) removed += m;
  const filled = removed === 0 ? rgb : await teleaFill(rgb, mask, width, height, request.fillRadius);
  const image = await sharp(filled, { raw: { width, height, channels: 3 } })
    .png()
    .toBuffer();
  return { image, width, height, maskFraction: removed / (width * height) };
}

async function teleaFill(
  rgb: Uint8Array,
  mask: Uint8Array,
  width: number,
  height: number,
  radius: number,
): Promise<Buffer> {
  const { cv } = await loadOpenCv();
  const src = new cv.Mat(height, width, cv.CV_8UC3);
  const hole = new cv.Mat(height, width, cv.CV_8UC1);
  const dst = new cv.Mat();
  try {
    src.data.set(rgb);
    hole.data.set(mask.map((m) => m * 255));
    cv.inpaint(src, hole, dst, radius, cv.INPAINT_TELEA);
    const out = Buffer.from(dst.data);
    // Telea writes only the hole, but keep every other byte the input's whatever the build does.
    for (let p = 0; p < mask.length; p++)
      if (!mask[p]) for (let c = 0; c < 3; c++) out[p * 3 + c] = rgb[p * 3 + c]!;
    return out;
  } finally {
    for (const m of [src, hole, dst]) m.delete();
  }
}
