import sharp from 'sharp';

export interface FramingOptions {
  /** Output side in pixels (the image encoder's input). */
  size: number;
  /** Grey level in [0, 1] laid behind the object. */
  background: number;
  /** The object's longer side as a share of the frame. */
  foregroundRatio: number;
  /** Separate the object from its background (alpha if the image has it, else a border-colour key). */
  removeBackground: boolean;
}

export interface FramedImage {
  /** [3, size, size] in [-1, 1], channel-major: the image encoder's pixel_values. */
  pixels: Float32Array;
  /** The same as RGB bytes, for previews and tests. */
  rgb: Uint8Array;
  /** The share of the input's pixels taken as the object. */
  foregroundShare: number;
}

const WORK_SIDE = 256;
/** RGB distance from the border colour above which a pixel is taken as the object. */
const KEY_DISTANCE = 48;

function borderColour(rgb: Uint8Array, w: number, h: number): [number, number, number] {
  const samples: number[][] = [[], [], []];
  const take = (x: number, y: number) => {
    for (let c = 0; c < 3; c++) samples[c].push(rgb[(y * w + x) * 3 + c]);
  };
  for (let x = 0; x < w; x++) {
    take(x, 0);
    take(x, h - 1);
  }
  for (let y = 0; y < h; y++) {
    take(0, y);
    take(w - 1, y);
  }
  return samples.map((s) => s.sort((a, b) => a - b)[s.length >> 1]) as [number, number, number];
}

/** The object's mask: alpha where the image is transparent somewhere, else pixels unlike the border. */
function foregroundMask(rgb: Uint8Array, alpha: Uint8Array | undefined, w: number, h: number, removeBackground: boolean): Uint8Array {
  const mask = new Uint8Array(w * h);
  if (alpha && alpha.some((a) => a < 128)) {
    for (let i = 0; i < mask.length; i++) mask[i] = alpha[i] >= 128 ? 1 : 0;
    return mask;
  }
  if (!removeBackground) return mask.fill(1);
  const bg = borderColour(rgb, w, h);
  for (let i = 0; i < mask.length; i++) {
    const d = Math.hypot(rgb[i * 3] - bg[0], rgb[i * 3 + 1] - bg[1], rgb[i * 3 + 2] - bg[2]);
    mask[i] = d > KEY_DISTANCE ? 1 : 0;
  }
  return mask;
}

/**
 * Frames a user's picture the way the image encoder's training views were framed
 * (models/training/mesh/render.py `frame`): the object cut from its background and laid on
 * grey, its bounding box centred in a square whose side is its longer side / foregroundRatio,
 * sampled bilinearly at twice the output size and averaged 2x2.
 */
export async function frameImage(input: Buffer, options: FramingOptions): Promise<FramedImage> {
  const { data, info } = await sharp(input, { failOn: 'error' })
    .rotate()
    .resize(WORK_SIDE, WORK_SIDE, { fit: 'inside', withoutEnlargement: true })
    .ensureAlpha()
    .raw()
    .toBuffer({ resolveWithObject: true });
  const w = info.width;
  const h = info.height;
  const rgb = new Uint8Array(w * h * 3);
  const alpha = new Uint8Array(w * h);
  for (let i = 0; i < w * h; i++) {
    rgb.set(data.subarray(i * 4, i * 4 + 3), i * 3);
    alpha[i] = data[i * 4 + 3];
  }
  const mask = foregroundMask(rgb, alpha, w, h, options.removeBackground);
  let x0 = w, y0 = h, x1 = 0, y1 = 0, count = 0;
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      if (!mask[y * w + x]) continue;
      count++;
      x0 = Math.min(x0, x);
      y0 = Math.min(y0, y);
      x1 = Math.max(x1, x + 1);
      y1 = Math.max(y1, y + 1);
    }
  }
  if (count === 0) [x0, y0, x1, y1] = [0, 0, w, h];
  const bg = options.background * 255;
  // the object minus the background, zero outside it (so sampling beyond the image gives background)
  const fg = new Float32Array(w * h * 3);
  for (let i = 0; i < w * h; i++) for (let c = 0; c < 3; c++) fg[i * 3 + c] = mask[i] ? rgb[i * 3 + c] - bg : 0;
  const side = Math.max(x1 - x0, y1 - y0) / options.foregroundRatio;
  const cx = (x0 + x1) / 2;
  const cy = (y0 + y1) / 2;
  const S = options.size;
  const big = 2 * S;
  const out = new Float32Array(S * S * 3);
  for (let v = 0; v < big; v++) {
    for (let u = 0; u < big; u++) {
      // output pixel centre -> input pixel coordinates (align_corners=False, as torch's grid_sample)
      const px = cx + (((u + 0.5) / big) * 2 - 1) * (side / 2) - 0.5;
      const py = cy + (((v + 0.5) / big) * 2 - 1) * (side / 2) - 0.5;
      const ix = Math.floor(px), iy = Math.floor(py);
      const fx = px - ix, fy = py - iy;
      const o = ((v >> 1) * S + (u >> 1)) * 3;
      for (const [dx, dy, wgt] of [[0, 0, (1 - fx) * (1 - fy)], [1, 0, fx * (1 - fy)], [0, 1, (1 - fx) * fy], [1, 1, fx * fy]] as const) {
        const xx = ix + dx, yy = iy + dy;
        if (xx < 0 || yy < 0 || xx >= w || yy >= h || wgt === 0) continue;
        const q = (yy * w + xx) * 3;
        for (let c = 0; c < 3; c++) out[o + c] += (wgt * fg[q + c]) / 4;
      }
    }
  }
  const pixels = new Float32Array(3 * S * S);
  const bytes = new Uint8Array(S * S * 3);
  for (let i = 0; i < S * S; i++) {
    for (let c = 0; c < 3; c++) {
      const value = Math.min(255, Math.max(0, out[i * 3 + c] + bg));
      bytes[i * 3 + c] = Math.round(value);
      pixels[c * S * S + i] = value / 127.5 - 1;
    }
  }
  return { pixels, rgb: bytes, foregroundShare: count / (w * h) };
}
