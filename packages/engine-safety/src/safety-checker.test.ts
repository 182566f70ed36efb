import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { PIXELATE_BLOCKS, replaceImage } from './replace';
import { SafetyChecker } from './safety-checker';

const IMAGE = readFileSync(join(__dirname, '..', 'fixtures', 'easel-tiny-0.png'));

async function pixels(image: Buffer) {
  const { data, info } = await sharp(image).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height, format: (await sharp(image).metadata()).format };
}

const checker = new SafetyChecker();
afterAll(() => checker.dispose());

describe('SafetyChecker', () => {
  it('leaves a benign image untouched at the default threshold', async () => {
    const checked = await checker.check(IMAGE, 'blank', 'png');
    expect(checked.nsfw).toBe(false);
    expect(checked.image).toBe(IMAGE);
    expect(checked.classification.nsfw).toBeLessThan(checker.threshold);
  });

  it('replaces an image whose score crosses the threshold (a test threshold below this benign image’s score)', async () => {
    const { nsfw } = await checker.classify(IMAGE);
    expect(nsfw).toBeGreaterThan(0);
    const strict = new SafetyChecker(nsfw / 2);
    const checked = await strict.check(IMAGE, 'blank', 'png');
    await strict.dispose();
    expect(checked.nsfw).toBe(true);
    const out = await pixels(checked.image);
    expect([out.width, out.height]).toEqual([128, 128]);
    expect(out.data.every((v) => v === 255)).toBe(true);
  });

  it('refuses a threshold outside [0, 1]', () => {
    expect(() => new SafetyChecker(1.5)).toThrow(/threshold/);
  });
});

describe('replaceImage', () => {
  it('black: every pixel 0, same size, the format asked for', async () => {
    const out = await pixels(await replaceImage(IMAGE, 'black', 'webp'));
    expect(out.format).toBe('webp');
    expect([out.width, out.height]).toEqual([128, 128]);
    expect(Math.max(...out.data)).toBeLessThanOrEqual(2); // lossy WebP may wobble by a level or two
  });

  it('blank: every pixel white', async () => {
    const out = await pixels(await replaceImage(IMAGE, 'blank', 'png'));
    expect(out.data.every((v) => v === 255)).toBe(true);
  });

  it('blur: keeps the mean colour but no edge survives', async () => {
    const [src, out] = await Promise.all([pixels(IMAGE), replaceImage(IMAGE, 'blur', 'png').then(pixels)]);
    const mean = (d: Uint8Array) => d.reduce((a, b) => a + b, 0) / d.length;
    const maxStep = (d: Uint8Array) => {
      let m = 0;
      for (let i = 3; i < d.length; i++) if (i % (128 * 3) >= 3) m = Math.max(m, Math.abs(d[i] - d[i - 3]));
      return m;
    };
    expect(Math.abs(mean(out.data) - mean(src.data))).toBeLessThan(12);
    expect(maxStep(src.data)).toBeGreaterThan(40);
    expect(maxStep(out.data)).toBeLessThan(8);
  });

  it(`pixelate: ${PIXELATE_BLOCKS}×${PIXELATE_BLOCKS} flat blocks`, async () => {
    const out = await pixels(await replaceImage(IMAGE, 'pixelate', 'png'));
    const block = 128 / PIXELATE_BLOCKS;
    const colours = new Set<string>();
    for (let by = 0; by < PIXELATE_BLOCKS; by++) {
      for (let bx = 0; bx < PIXELATE_BLOCKS; bx++) {
        const at = (x: number, y: number) => Array.from(out.data.subarray((y * 128 + x) * 3, (y * 128 + x) * 3 + 3)).join(',');
        const first = at(bx * block, by * block);
        for (let y = by * block; y < (by + 1) * block; y++) for (let x = bx * block; x < (bx + 1) * block; x++) expect(at(x, y)).toBe(first);
        colours.add(first);
      }
    }
    expect(colours.size).toBeGreaterThan(1); // the picture's layout shows, its detail does not
  });
});
