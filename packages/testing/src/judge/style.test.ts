import type { Rgb, RgbImage } from './image';
import { heartFeatures, outlineScore, stripeScore, OUTLINE_RGB, colourMask } from './style';
import { largestComponent } from './components';

const RED: Rgb = [220, 30, 30];
const BLUE: Rgb = [30, 60, 220];

/** A 128×128 image painted by `paint(x, y)` (pixel centres), else the background. */
function draw(paint: (x: number, y: number) => Rgb | undefined, bg: Rgb = BLUE): RgbImage {
  const data = new Uint8Array(128 * 128 * 3);
  for (let y = 0; y < 128; y++)
    for (let x = 0; x < 128; x++) data.set(paint(x + 0.5, y + 0.5) ?? bg, (y * 128 + x) * 3);
  return { width: 128, height: 128, data };
}
const inDisc = (x: number, y: number, r = 30, cx = 64, cy = 64): boolean => (x - cx) ** 2 + (y - cy) ** 2 <= r * r;
const inHeart = (x: number, y: number, r = 30, cx = 64, cy = 64): boolean => {
  const lobe = r * 0.52;
  const lobes = [-1, 1].some((s) => inDisc(x, y, lobe, cx + s * lobe * 0.95, cy - r * 0.3));
  const t = (y - (cy - r * 0.12)) / (r * 1.12); // 0 at the triangle's top edge, 1 at its point
  return lobes || (t >= 0 && t <= 1 && Math.abs(x - cx) <= (1 - t) * r * 0.98);
};

describe('style measures', () => {
  const flat = draw((x, y) => (inDisc(x, y) ? RED : undefined));

  it('stripeScore: horizontal bands of period 16 score high, a flat disc below 0', () => {
    const striped = draw((x, y) => (inDisc(x, y) && Math.floor(y / 8) % 2 === 0 ? RED : undefined));
    expect(stripeScore(striped, RED, BLUE)).toBeGreaterThan(1.2);
    expect(stripeScore(flat, RED, BLUE)).toBeLessThan(0);
  });

  it('outlineScore: a near-black 4-px ring scores ≈ 1, a flat disc ≈ 0', () => {
    const outlined = draw((x, y) => (inDisc(x, y) ? RED : inDisc(x, y, 34) ? OUTLINE_RGB : undefined));
    expect(outlineScore(outlined, RED, BLUE)).toBeGreaterThan(0.8);
    expect(outlineScore(flat, RED, BLUE)).toBeLessThan(0.05);
  });

  it('heartFeatures: a heart tapers to a point and dips between its lobes; a disc does neither', () => {
    const blob = (img: RgbImage) => largestComponent(colourMask(img, RED, BLUE));
    const heart = heartFeatures(blob(draw((x, y) => (inHeart(x, y) ? RED : undefined))));
    const disc = heartFeatures(blob(flat));
    expect(heart.bottomTaper).toBeLessThan(0.45);
    expect(heart.topNotch).toBeGreaterThan(0.1);
    expect(disc.bottomTaper).toBeGreaterThan(0.6);
    expect(disc.topNotch).toBe(0);
  });
});
