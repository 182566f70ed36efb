import type { FloatMask, PixelImage } from './rgb-image';

/** The border strip's share of the shorter side: what the prior takes to be background for sure. */
export const BORDER_FRACTION = 0.03;
const PALETTE_SIZE = 12;
const KMEANS_ROUNDS = 8;

export const borderWidth = (width: number, height: number) =>
  Math.max(2, Math.round(Math.min(width, height) * BORDER_FRACTION));

/** Indices of the pixels in the border strip. */
export function borderPixels(width: number, height: number): number[] {
  const b = borderWidth(width, height);
  const out: number[] = [];
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++)
      if (x < b || y < b || x >= width - b || y >= height - b) out.push(y * width + x);
  return out;
}

/**
 * The border's colours, k-means clustered: a textured background (stripes, checks, noise) shows all its
 * colours along the edge, so a few centres stand for the whole of it.
 */
function borderPalette(image: PixelImage, border: number[]): Float32Array {
  const { data, channels } = image;
  const k = Math.min(PALETTE_SIZE, border.length);
  const centres = new Float32Array(k * 3);
  // Deterministic start: pixels spread evenly along the strip.
  for (let c = 0; c < k; c++) {
    const p = border[Math.floor(((c + 0.5) * border.length) / k)]! * channels;
    for (let j = 0; j < 3; j++) centres[c * 3 + j] = data[p + j]!;
  }
  const sums = new Float64Array(k * 3);
  const counts = new Float64Array(k);
  for (let round = 0; round < KMEANS_ROUNDS; round++) {
    sums.fill(0);
    counts.fill(0);
    for (const i of border) {
      const p = i * channels;
      const c = nearest(centres, data[p]!, data[p + 1]!, data[p + 2]!).index;
      counts[c]!++;
      for (let j = 0; j < 3; j++) sums[c * 3 + j]! += data[p + j]!;
    }
    for (let c = 0; c < k; c++)
      if (counts[c]! > 0) for (let j = 0; j < 3; j++) centres[c * 3 + j] = sums[c * 3 + j]! / counts[c]!;
  }
  return centres;
}

function nearest(centres: Float32Array, r: number, g: number, b: number) {
  let best = Infinity;
  let index = 0;
  for (let c = 0; c < centres.length / 3; c++) {
    const dr = r - centres[c * 3]!;
    const dg = g - centres[c * 3 + 1]!;
    const db = b - centres[c * 3 + 2]!;
    const d = dr * dr + dg * dg + db * db;
    if (d < best) {
      best = d;
      index = c;
    }
  }
  return { index, distance: Math.sqrt(best) };
}

/** Mean over a (2r+1)² window, clamped at the edges (separable running sums: O(pixels) whatever r). */
export function boxBlur(mask: FloatMask, r: number): FloatMask {
  const { width, height } = mask;
  const pass = (src: Float32Array, horizontal: boolean) => {
    const out = new Float32Array(src.length);
    const [n, m] = horizontal ? [width, height] : [height, width];
    for (let line = 0; line < m; line++) {
      const at = (i: number) => (horizontal ? line * width + i : i * width + line);
      let sum = 0;
      for (let j = 0; j <= Math.min(n - 1, r); j++) sum += src[at(j)]!;
      for (let i = 0; i < n; i++) {
        out[at(i)] = sum / (Math.min(n - 1, i + r) - Math.max(0, i - r) + 1);
        if (i + r + 1 < n) sum += src[at(i + r + 1)]!;
        if (i - r >= 0) sum -= src[at(i - r)]!;
      }
    }
    return out;
  };
  return { width, height, data: pass(pass(mask.data, true), false) };
}

/**
 * How unlike the border each pixel is: its colour distance to the nearest border colour, smoothed over
 * a few pixels (a noise texture's odd pixel does not count), in units of the border's own spread
 * (the 90th percentile of the border pixels' distances), so "far from the border" means the same on a
 * flat background and on a noisy one.
 */
export function borderSaliency(image: PixelImage): { saliency: FloatMask; spread: number } {
  const { width, height, data, channels } = image;
  const border = borderPixels(width, height);
  const palette = borderPalette(image, border);
  const distance = new Float32Array(width * height);
  for (let i = 0; i < width * height; i++) {
    const p = i * channels;
    distance[i] = nearest(palette, data[p]!, data[p + 1]!, data[p + 2]!).distance;
  }
  const smooth = boxBlur({ width, height, data: distance }, 2);
  const onBorder = border.map((i) => smooth.data[i]!).sort((a, b) => a - b);
  const spread = Math.max(4, onBorder[Math.floor(onBorder.length * 0.9)] ?? 0);
  return { saliency: smooth, spread };
}
