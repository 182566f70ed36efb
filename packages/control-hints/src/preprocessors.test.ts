import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import { canny } from './canny';
import { loadOpenCv, type OpenCv } from './opencv';
import { decodeRgb, type RgbImage } from './pixel-image';
import { hasPreprocessor, makeHint } from './preprocessors';
import { scribble } from './scribble';
import { borderColour, SEG_PALETTE, segmentation } from './segmentation';
import { softedge } from './softedge';
import { tile } from './tile';

const FIXTURES = join(__dirname, '..', 'fixtures');
let cv: OpenCv;
beforeAll(async () => ({ cv } = await loadOpenCv()));

const fixture = async (name: string) => decodeRgb(await readFile(join(FIXTURES, `${name}.png`)));

/** A white square (side/3, on the left) on black: a known image with known edges. */
function square(side: number): RgbImage {
  const data = new Uint8Array(side * side * 3);
  for (let y = side / 3; y < (2 * side) / 3; y++) for (let x = side / 8; x < side / 8 + side / 3; x++) data.fill(255, (y * side + x) * 3, (y * side + x) * 3 + 3);
  return { data, width: side, height: side };
}

const white = (img: RgbImage, x: number, y: number) => img.data[(y * img.width + x) * 3]! > 127;
const count = (img: RgbImage, pick: (r: number, g: number, b: number) => boolean) => {
  let n = 0;
  for (let i = 0; i < img.width * img.height; i++) if (pick(img.data[i * 3]!, img.data[i * 3 + 1]!, img.data[i * 3 + 2]!)) n++;
  return n;
};
/** The share of pixels on which two maps agree (white vs not, or same colour). */
function agreement(a: RgbImage, b: RgbImage): number {
  let same = 0;
  for (let i = 0; i < a.width * a.height; i++) {
    if (a.data[i * 3] === b.data[i * 3] && a.data[i * 3 + 1] === b.data[i * 3 + 1] && a.data[i * 3 + 2] === b.data[i * 3 + 2]) same++;
  }
  return same / (a.width * a.height);
}

describe('canny', () => {
  it("outlines a square: white on its border, black inside and outside", () => {
    const hint = canny(cv, square(96));
    expect(white(hint, 11, 48) || white(hint, 12, 48)).toBe(true); // left side (x = 96/8)
    expect(white(hint, 27, 48)).toBe(false); // inside
    expect(white(hint, 80, 48)).toBe(false); // outside
    expect(white(hint, 27, 32) || white(hint, 27, 31)).toBe(true); // top side
  });

  it.each(['scene-101-3', 'scene-303-11'])('makes the map the ControlNet was trained on (%s)', async (name) => {
    expect(agreement(canny(cv, await fixture(name)), await fixture(`${name}.canny`))).toBeGreaterThan(0.995);
  });
});

describe('scribble', () => {
  it('draws thicker strokes than canny, over the same outline', async () => {
    const img = square(96);
    const thin = count(canny(cv, img), (r) => r > 127);
    const thick = count(scribble(cv, img), (r) => r > 127);
    expect(thick).toBeGreaterThan(2 * thin);
    expect(white(scribble(cv, img), 11, 48) && white(scribble(cv, img), 13, 48)).toBe(true);
  });

  it.each(['scene-101-3', 'scene-303-11'])('makes the map the ControlNet was trained on (%s)', async (name) => {
    expect(agreement(scribble(cv, await fixture(name)), await fixture(`${name}.scribble`))).toBeGreaterThan(0.99);
  });
});

describe('segmentation', () => {
  it('paints the background in the palette\'s first colour and each object in the next ones, largest first', async () => {
    const img = await fixture('scene-101-3');
    const seg = segmentation(cv, img);
    expect(Array.from(seg.data.subarray(0, 3))).toEqual([...SEG_PALETTE[0]!]);
    expect(count(seg, (r, g, b) => r === SEG_PALETTE[1]![0] && g === SEG_PALETTE[1]![1] && b === SEG_PALETTE[1]![2])).toBeGreaterThan(100);
    expect(agreement(seg, await fixture('scene-101-3.seg'))).toBeGreaterThan(0.995);
    expect(agreement(segmentation(cv, await fixture('scene-303-11')), await fixture('scene-303-11.seg'))).toBeGreaterThan(0.995);
  });

  it('finds the border colour', () => {
    expect(borderColour(square(64))).toEqual([0, 0, 0]);
  });
});

describe('softedge and tile', () => {
  it('softedge spreads the outline into grey ramps around it', () => {
    const hint = softedge(cv, square(96));
    expect(count(hint, (r) => r > 0 && r < 255)).toBeGreaterThan(count(canny(cv, square(96)), (r) => r > 127));
    expect(white(hint, 80, 48)).toBe(false);
  });

  it('tile keeps the colours and blurs the detail', () => {
    const img = square(96);
    const t = tile(cv, img);
    expect(t.width).toBe(96);
    expect(white(t, 27, 48)).toBe(true);
    expect(count(t, (r) => r > 10 && r < 245)).toBeGreaterThan(0);
  });
});

describe('makeHint', () => {
  it('takes and gives encoded images of the same size; knows which types it can make', async () => {
    const png = await makeHint('canny', await readFile(join(FIXTURES, 'scene-101-3.png')));
    const meta = await sharp(png).metadata();
    expect([meta.format, meta.width, meta.height]).toEqual(['png', 128, 128]);
    expect(hasPreprocessor('canny') && hasPreprocessor('segmentation') && hasPreprocessor('seg')).toBe(true);
    expect(hasPreprocessor('openpose')).toBe(false);
  });
});
