import sharp from 'sharp';
import { decodeImage, type RgbImage } from '../image';
import { PALETTE } from '../palette';
import { judgeMotion, videoHeldOut, type Direction } from './motion';

/** A circle of the dataset's colours moving across a flat background, drawn with SVG. */
async function clip(direction: Direction | 'still', frames = 8, jumpAt = -1): Promise<RgbImage[]> {
  const rgb = (c: readonly number[]) => `rgb(${c.join(',')})`;
  const out: RgbImage[] = [];
  for (let f = 0; f < frames; f++) {
    // jumpAt: that frame's circle is drawn at the far end instead (a model that redraws rather than moves)
    const t = f === jumpAt ? 1 : f / (frames - 1);
    const along = direction === 'still' ? 0.5 : 0.22 + 0.56 * (direction === 'right' || direction === 'down' ? t : 1 - t);
    const [cx, cy] = direction === 'up' || direction === 'down' ? [0.5, along] : [along, 0.5];
    const svg = `<svg width="128" height="128"><rect width="128" height="128" fill="${rgb(PALETTE.blue)}"/><circle cx="${cx * 128}" cy="${cy * 128}" r="18" fill="${rgb(PALETTE.red)}"/></svg>`;
    out.push(await decodeImage(await sharp(Buffer.from(svg)).png().toBuffer()));
  }
  return out;
}

describe('the motion judge', () => {
  it.each(['left', 'right', 'up', 'down'] as const)('reads a circle moving %s as that direction, its colour and shape steady', async (direction) => {
    const v = judgeMotion(await clip(direction), { motion: direction, color: 'red', shape: 'circle', background: 'blue' });
    expect(v.direction).toBe(direction);
    expect(v.directionRight).toBe(true);
    expect(v.glidesRight).toBe(true);
    expect(v.maxStep).toBeCloseTo(0.56 / 7, 1);
    expect(v.colourFrames).toBe(1);
    expect(v.backgroundFrames).toBe(1);
    expect(v.shapeFrames).toBeGreaterThanOrEqual(0.75);
    expect(v.maxColourStep).toBeLessThan(10);
    expect(v.areaVariation).toBeLessThan(0.05);
  });

  it('gives a still circle no direction, and a wrong direction is wrong', async () => {
    expect(judgeMotion(await clip('still'), { motion: 'left', color: 'red', shape: 'circle', background: 'blue' }).direction).toBeNull();
    expect(judgeMotion(await clip('right'), { motion: 'left', color: 'red', shape: 'circle', background: 'blue' }).directionRight).toBe(false);
  });

  it('a circle that jumps to the far end for one frame still moves right, but does not glide', async () => {
    const v = judgeMotion(await clip('right', 8, 2), { motion: 'right', color: 'red', shape: 'circle', background: 'blue' });
    expect(v.directionRight).toBe(true);
    expect(v.maxStep).toBeGreaterThan(0.4);
    expect(v.glidesRight).toBe(false);
  });

  it('has 40 held-out prompts, ten per direction', () => {
    const set = videoHeldOut();
    expect(set).toHaveLength(40);
    for (const d of ['left', 'right', 'up', 'down']) expect(set.filter((p) => p.motion === d)).toHaveLength(10);
  });
});
