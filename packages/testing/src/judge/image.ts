import sharp from 'sharp';
import type { Mask } from './mask';

/** 8-bit RGB pixels, interleaved, row-major: pixel (x, y) channel c is `data[(y * width + x) * 3 + c]`. */
export interface RgbImage {
  width: number;
  height: number;
  data: Uint8Array;
}

export type Rgb = readonly [number, number, number];

/** Any image sharp reads (PNG from the engine, the ground-truth fixtures) → RGB (alpha dropped). */
export async function decodeImage(buf: Buffer): Promise<RgbImage> {
  const { data, info } = await sharp(buf).removeAlpha().toColourspace('srgb').raw().toBuffer({ resolveWithObject: true });
  if (info.channels !== 3) throw new Error(`expected 3 channels after removeAlpha, got ${info.channels}`);
  return { width: info.width, height: info.height, data: new Uint8Array(data.buffer, data.byteOffset, data.length) };
}

/** RGB pixels → PNG (to build init and mask images for img2img / inpainting requests). */
export async function encodePng(img: RgbImage): Promise<Buffer> {
  return sharp(Buffer.from(img.data.buffer, img.data.byteOffset, img.data.length), {
    raw: { width: img.width, height: img.height, channels: 3 },
  })
    .png()
    .toBuffer();
}

/** A mask → black/white PNG (white = set), e.g. an inpainting `maskImage` (white = repaint). */
export async function encodeMaskPng(mask: Mask): Promise<Buffer> {
  const data = new Uint8Array(mask.width * mask.height * 3);
  for (let i = 0; i < mask.data.length; i++) data.fill(mask.data[i] ? 255 : 0, i * 3, i * 3 + 3);
  return encodePng({ width: mask.width, height: mask.height, data });
}

export function pixelAt(img: RgbImage, x: number, y: number): Rgb {
  const i = (y * img.width + x) * 3;
  return [img.data[i], img.data[i + 1], img.data[i + 2]];
}

export function colourDistance(a: Rgb, b: Rgb): number {
  return Math.hypot(a[0] - b[0], a[1] - b[1], a[2] - b[2]);
}

/** Per-channel median of the pixels where `include(i)` holds (i = pixel index); counting sort on 0–255. */
export function medianColour(img: RgbImage, include: (i: number) => boolean): Rgb {
  const hist = [new Uint32Array(256), new Uint32Array(256), new Uint32Array(256)];
  let n = 0;
  for (let i = 0, len = img.width * img.height; i < len; i++) {
    if (!include(i)) continue;
    n++;
    for (let c = 0; c < 3; c++) hist[c][img.data[i * 3 + c]]++;
  }
  if (n === 0) throw new Error('median of no pixels');
  const median = (h: Uint32Array): number => {
    // numpy's median of an even count averages the two middle values
    const lower = lowerValueAt(h, Math.floor((n - 1) / 2));
    const upper = lowerValueAt(h, Math.floor(n / 2));
    return (lower + upper) / 2;
  };
  return [median(hist[0]), median(hist[1]), median(hist[2])];
}

function lowerValueAt(hist: Uint32Array, rank: number): number {
  let seen = 0;
  for (let v = 0; v < 256; v++) {
    seen += hist[v];
    if (seen > rank) return v;
  }
  return 255;
}
