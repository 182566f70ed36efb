import type { Rgb, RgbImage } from '../image';
import type { Mask } from '../mask';

export interface RemovalJudgement {
  /** Share of the removed region's pixels whose nearest colour is one of the object's, not one of the surroundings'. */
  trace: number;
  /** Mean colour of the fill (the removed region) and of a ring of surroundings just outside it. */
  fillMean: Rgb;
  surroundMean: Rgb;
  /** RGB distance between the two means (0–441). */
  fillDistance: number;
}

const dist = (a: Rgb, b: Rgb) => Math.hypot(a[0] - b[0], a[1] - b[1], a[2] - b[2]);

/** The pixels within `ring` of the region (Chebyshev distance) but outside it. */
export function surroundings(region: Mask, ring: number): Mask {
  const { width, height } = region;
  const data = new Uint8Array(width * height);
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) {
      if (!region.data[y * width + x]) continue;
      for (let dy = -ring; dy <= ring; dy++)
        for (let dx = -ring; dx <= ring; dx++) {
          const [u, v] = [x + dx, y + dy];
          if (u >= 0 && v >= 0 && u < width && v < height && !region.data[v * width + u])
            data[v * width + u] = 1;
        }
    }
  return { width, height, data };
}

function mean(image: RgbImage, mask: Mask): Rgb {
  const sum = [0, 0, 0];
  let n = 0;
  for (let i = 0; i < mask.data.length; i++)
    if (mask.data[i]) {
      for (let c = 0; c < 3; c++) sum[c] += image.data[i * 3 + c]!;
      n++;
    }
  return (n === 0 ? [0, 0, 0] : sum.map((s) => s / n)) as unknown as Rgb;
}

/** Up to `n` colours of `image` under `mask`, evenly sampled. */
export function coloursUnder(image: RgbImage, mask: Mask, n = 400): Rgb[] {
  const at: number[] = [];
  for (let i = 0; i < mask.data.length; i++) if (mask.data[i]) at.push(i);
  const every = Math.max(1, Math.floor(at.length / n));
  return at
    .filter((_, k) => k % every === 0)
    .map((i) => [image.data[i * 3]!, image.data[i * 3 + 1]!, image.data[i * 3 + 2]!] as const);
}

/** RGB distance under which two colours are taken for the same. */
const DISTINCT = 30;
const nearest = (p: Rgb, colours: readonly Rgb[]) => Math.min(...colours.map((c) => dist(p, c)));

/**
 * The object-removal judge: inside the removed region no pixel should still have one of the object's
 * colours (`objectColours`, e.g. coloursUnder the input; those the surroundings also have are dropped) —
 * each filled pixel is sorted to its nearest colour among the object's and the surroundings' (a ring
 * `ring` pixels wide around the region) — and
 * the fill's mean colour should be the surroundings'.
 */
export function judgeObjectRemoval(
  out: RgbImage,
  region: Mask,
  objectColours: readonly Rgb[],
  ring = 6,
): RemovalJudgement {
  const around = surroundings(region, ring);
  const surroundColours = coloursUnder(out, around);
  // A colour the surroundings have too (a noise texture's middle tones) is no trace of the object.
  const own = objectColours.filter((c) => nearest(c, surroundColours) > DISTINCT);
  let inside = 0;
  let traces = 0;
  for (let i = 0; i < region.data.length; i++) {
    if (!region.data[i]) continue;
    inside++;
    const p: Rgb = [out.data[i * 3]!, out.data[i * 3 + 1]!, out.data[i * 3 + 2]!];
    if (own.length > 0 && nearest(p, own) < nearest(p, surroundColours)) traces++;
  }
  const fillMean = mean(out, region);
  const surroundMean = mean(out, around);
  return {
    trace: inside === 0 ? 0 : traces / inside,
    fillMean,
    surroundMean,
    fillDistance: dist(fillMean, surroundMean),
  };
}
