import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { NsfwClassifier } from './classifier';
import { NSFW_CLASSES } from './nsfw-model';

const FIXTURES = join(__dirname, '..', 'fixtures');
/** What the bundled model draws (fixtures/make-fixtures.mjs) and drawn shapes: all benign. */
const BENIGN = [0, 1, 2, 3].map((i) => `easel-tiny-${i}.png`);

const classifier = new NsfwClassifier();
afterAll(() => classifier.dispose());

describe('NsfwClassifier (nsfwjs MobileNetV2Mid)', () => {
  it.each(BENIGN)('%s classifies benign', async (name) => {
    const result = await classifier.classify(readFileSync(join(FIXTURES, name)));
    console.log(name, Object.entries(result.probabilities).map(([k, v]) => `${k} ${v.toFixed(3)}`).join(', '), `nsfw ${result.nsfw.toFixed(3)}`);
    const total = Object.values(result.probabilities).reduce((a, b) => a + b, 0);
    expect(total).toBeCloseTo(1, 3);
    expect(Object.keys(result.probabilities)).toEqual([...NSFW_CLASSES]);
    expect(result.nsfw).toBeLessThan(0.2);
    expect(result.probabilities.drawing + result.probabilities.neutral).toBeGreaterThan(0.8);
  });

  it('reads any format and size sharp reads (a drawn JPEG, 300×200)', async () => {
    const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="300" height="200"><rect width="300" height="200" fill="#3060c0"/><circle cx="150" cy="100" r="60" fill="#e03020"/></svg>`;
    const jpeg = await sharp(Buffer.from(svg)).jpeg().toBuffer();
    const result = await classifier.classify(jpeg);
    expect(result.nsfw).toBeLessThan(0.2);
  });

  it('gives different images different scores (the model really runs)', async () => {
    const [a, b] = await Promise.all(BENIGN.slice(0, 2).map((n) => classifier.classify(readFileSync(join(FIXTURES, n)))));
    expect(a.probabilities.drawing).not.toBeCloseTo(b.probabilities.drawing, 4);
  });
});
