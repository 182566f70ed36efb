import { parseCaption } from './caption';
import { groundTruth, heldoutPrompts } from './fixtures';
import { decodeImage, encodeMaskPng, encodePng, type RgbImage } from './image';
import { judgeImage } from './judge-image';
import { judgePrompt } from './judge-prompt';
import { colorFraction, differenceByMask } from './measure';
import { rectMask } from './mask';
import { COLOR_NAMES, PALETTE, POSITION_NAMES, SHAPE_NAMES, type ColorName } from './palette';
import { positionName } from './position';

const GT = groundTruth();

function flat(width: number, height: number, name: ColorName): RgbImage {
  const data = new Uint8Array(width * height * 3);
  for (let i = 0; i < width * height; i++) data.set(PALETTE[name], i * 3);
  return { width, height, data };
}

describe('pixel judge on ground-truth dataset images (fixtures/ground-truth, from dataset.py)', () => {
  it('covers every shape', () => {
    expect(new Set(GT.map((g) => g.shape))).toEqual(new Set(SHAPE_NAMES));
  });

  it('accepts ≥ 95 % of them on every attribute, shape included', async () => {
    const verdicts = await Promise.all(GT.map((g) => judgePrompt(g.caption, g.png)));
    const wrong = verdicts
      .map((v, i) => ({ caption: GT[i].caption, pass: v.pass, ok: v.acceptedWithShape }))
      .filter((v) => !v.ok);
    const rate = 1 - wrong.length / GT.length;
    console.log(`judge self-test: ${GT.length - wrong.length}/${GT.length} ground-truth images fully accepted`, wrong);
    expect(rate).toBeGreaterThanOrEqual(0.95);
  }, 60_000);

  it('rejects the same images under a caption that names the wrong colour, background, position or shape', async () => {
    let rejected = 0;
    let total = 0;
    for (const g of GT) {
      const otherColour = COLOR_NAMES.find((c) => c !== g.color && c !== g.background)!;
      const otherBackground = COLOR_NAMES.find((c) => c !== g.background && c !== g.color)!;
      const otherShape = SHAPE_NAMES[(SHAPE_NAMES.indexOf(g.shape) + 1) % SHAPE_NAMES.length];
      const otherPosition = POSITION_NAMES[(POSITION_NAMES.indexOf(g.position) + 4) % POSITION_NAMES.length];
      const where = (p: string): string => (p === 'centre' ? 'in the centre' : p === 'top' || p === 'bottom' ? `at the ${p}` : `in the ${p}`);
      const cases: Array<[string, 'color' | 'background' | 'position' | 'shape']> = [
        [`a ${otherColour} ${g.shape} ${where(g.position)} on a ${g.background} background`, 'color'],
        [`a ${g.color} ${g.shape} ${where(g.position)} on a ${otherBackground} background`, 'background'],
        [`a ${g.color} ${g.shape} ${where(otherPosition)} on a ${g.background} background`, 'position'],
        [`a ${g.color} ${otherShape} ${where(g.position)} on a ${g.background} background`, 'shape'],
      ];
      for (const [caption, attr] of cases) {
        const v = await judgePrompt(caption, g.png);
        total++;
        if (!v.pass[attr] && !v.acceptedWithShape) rejected++;
      }
    }
    console.log(`judge self-test: ${rejected}/${total} mismatched captions rejected`);
    expect(rejected / total).toBeGreaterThanOrEqual(0.95);
  }, 60_000);

  it('finds no object in a flat image, and still names its background', () => {
    const j = judgeImage(flat(32, 32, 'cyan'));
    expect(j.background).toBe('cyan');
    expect(j.object).toBeNull();
  });
});

describe('caption parsing', () => {
  it('reads every ground-truth caption phrasing back to the attributes it was written from', () => {
    for (const g of GT) {
      expect({ caption: g.caption, ...parseCaption(g.caption) }).toEqual({
        caption: g.caption,
        background: g.background,
        objects: [{ color: g.color, shape: g.shape, position: g.position, size: g.size }],
      });
    }
  });

  it('reads the held-out prompts back to their recorded attributes', () => {
    for (const h of heldoutPrompts()) {
      const s = parseCaption(h.prompt);
      expect({ prompt: h.prompt, background: s.background, ...s.objects[0] }).toEqual({ ...h, size: null });
    }
  });

  it('handles the remaining dataset phrasings', () => {
    expect(parseCaption('a red circle on the left on blue')).toEqual({
      background: 'blue',
      objects: [{ color: 'red', shape: 'circle', position: 'left', size: null }],
    });
    expect(parseCaption('a small pink star at the top right and a large white ring at the bottom left, black background')).toEqual({
      background: 'black',
      objects: [
        { color: 'pink', shape: 'star', position: 'top right', size: 'small' },
        { color: 'white', shape: 'ring', position: 'bottom left', size: 'large' },
      ],
    });
    expect(() => parseCaption('a photo of a cat')).toThrow(/background/);
  });
});

describe('position by thirds', () => {
  it('names the nine cells as dataset.py does', () => {
    expect(positionName(10, 10, 128, 128)).toBe('top left');
    expect(positionName(64, 10, 128, 128)).toBe('top');
    expect(positionName(64, 64, 128, 128)).toBe('centre');
    expect(positionName(120, 64, 128, 128)).toBe('right');
    expect(positionName(120, 120, 128, 128)).toBe('bottom right');
  });
});

describe('measurement helpers', () => {
  it('colour fraction and masked differences', async () => {
    const img = flat(8, 8, 'blue');
    img.data.set(PALETTE.red, 0);
    img.data.set(PALETTE.red, 3);
    expect(colorFraction(img, 'red')).toBeCloseTo(2 / 64);
    expect(colorFraction(img, 'red', { within: rectMask(8, 8, 0, 0, 2, 1) })).toBe(1);
    expect(colorFraction(img, 'red', { within: rectMask(8, 8, 0, 1, 8, 8) })).toBe(0);
    const back = await decodeImage(await encodePng(img));
    expect(back).toEqual(img);
    const mask = rectMask(8, 8, 0, 0, 1, 1);
    const maskPng = await decodeImage(await encodeMaskPng(mask));
    expect([maskPng.data[0], maskPng.data[3]]).toEqual([255, 0]);
    const other = flat(8, 8, 'blue');
    const d = differenceByMask(img, other, mask);
    // one red pixel inside the mask, one outside; red vs blue differs by 190 + 30 + 190 over 3 channels
    expect(d.inside).toBeCloseTo(410 / 3, 5);
    expect(d.outside).toBeCloseTo(410 / (63 * 3), 5);
  });
});
