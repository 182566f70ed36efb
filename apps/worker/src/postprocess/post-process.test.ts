import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SafetyChecker } from '@easel/engine-safety';
import { Upscaler } from '@easel/engine-upscale';
import sharp from 'sharp';
import { postProcess } from './post-process';

const FIXTURES = join(__dirname, '..', '..', '..', '..', 'packages', 'engine-safety', 'fixtures');
const IMAGES = [0, 1].map((i) => readFileSync(join(FIXTURES, `easel-tiny-${i}.png`)));
const SIZE = { width: 128, height: 128 };

const upscaler = new Upscaler();
const safety = new SafetyChecker(0.5);
afterAll(async () => {
  upscaler.dispose();
  await safety.dispose();
});

const allWhite = async (png: Buffer) => (await sharp(png).removeAlpha().raw().toBuffer()).every((v) => v === 255);

describe('postProcess', () => {
  it('upscales every output 2× and then checks it: benign, scores and both timings reported', async () => {
    const out = await postProcess(IMAGES, SIZE, { upscale: 2, safetyChecker: true, safetyCheckerType: 'blank', format: 'png' }, { upscaler, safety });
    expect([out.width, out.height]).toEqual([256, 256]);
    for (const image of out.images) expect(await sharp(image).metadata()).toMatchObject({ width: 256, height: 256, format: 'png' });
    expect(out.nsfwContentDetected).toBe(false);
    expect(out.nsfwScores).toHaveLength(2);
    for (const score of out.nsfwScores!) expect(score).toBeLessThan(0.5);
    expect(out.timings.upscale).toBeGreaterThan(0);
    expect(out.timings.safety_checker).toBeGreaterThan(0);
  });

  it('with the checker off, nothing is classified and the images pass through', async () => {
    const out = await postProcess(IMAGES, SIZE, { upscale: null, safetyChecker: false, safetyCheckerType: 'blank', format: 'png' }, { upscaler, safety });
    expect(out.images).toEqual(IMAGES);
    expect(out.nsfwScores).toBeUndefined();
    expect(out.timings).toEqual({});
  });

  it('replaces a flagged output at its delivered size (test threshold below the benign score)', async () => {
    const score = (await safety.classify(IMAGES[1])).nsfw;
    const strict = new SafetyChecker(score / 2);
    const out = await postProcess([IMAGES[1]], SIZE, { upscale: 2, safetyChecker: true, safetyCheckerType: 'blank', format: 'webp' }, { upscaler, safety: strict });
    await strict.dispose();
    expect(out.nsfwContentDetected).toBe(true);
    expect(await sharp(out.images[0]).metadata()).toMatchObject({ width: 256, height: 256, format: 'webp' });
  });

  it('a flagged init image has every output replaced', async () => {
    const initScore = (await safety.classify(IMAGES[1])).nsfw;
    const outScore = (await safety.classify(IMAGES[0])).nsfw;
    // A threshold between the two scores: only the init image crosses it.
    if (!(initScore > outScore)) throw new Error(`fixture scores changed: init ${initScore}, output ${outScore}`);
    const between = new SafetyChecker((initScore + outScore) / 2);
    const out = await postProcess([IMAGES[0]], SIZE, { upscale: null, safetyChecker: true, safetyCheckerType: 'blank', format: 'png', initImage: IMAGES[1] }, { upscaler, safety: between });
    await between.dispose();
    expect(out.initImageNsfwScore).toBeGreaterThan(between.threshold);
    expect(out.nsfwScores![0]).toBeLessThan(between.threshold);
    expect(out.nsfwContentDetected).toBe(true);
    expect(await allWhite(out.images[0])).toBe(true);
  });
});
