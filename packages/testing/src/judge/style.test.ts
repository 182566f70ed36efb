import type { Rgb, RgbImage } from './image';
import { frameFeatures, outlineScore, stripeScore, OUTLINE_RGB, colourMask } from './style';
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
const inSquare = (x: number, y: number, h = 26, cx = 64, cy = 64): boolean => Math.abs(x - cx) <= h && Math.abs(y - cy) <= h;

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

  it('frameFeatures: a frame has a hole inside a square outline; a ring\'s outline is round, a square has no hole', () => {
    const blob = (img: RgbImage) => largestComponent(colourMask(img, RED, BLUE));
    const frame = frameFeatures(blob(draw((x, y) => (inSquare(x, y) && !inSquare(x, y, 14) ? RED : undefined))));
    const ring = frameFeatures(blob(draw((x, y) => (inDisc(x, y) && !inDisc(x, y, 16) ? RED : undefined))));
    const square = frameFeatures(blob(draw((x, y) => (inSquare(x, y) ? RED : undefined))));
    expect(frame.holeFraction).toBeGreaterThan(0.25);
    expect(frame.filledExtent).toBeGreaterThan(0.97);
    expect(ring.holeFraction).toBeGreaterThan(0.25);
    expect(ring.filledExtent).toBeLessThan(0.82);
    expect(square.holeFraction).toBe(0);
    expect(frameFeatures(blob(flat)).holeFraction).toBe(0);
  });
});
