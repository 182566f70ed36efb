/**
 * @jest-environment ../engine-diffusion/jest.environment.js
 */
// (ORT's typed arrays must be the host realm's inside Jest's sandbox: the engine's test environment.)
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { DiffusionEngine, type GenerateRequest } from '@easel/engine-diffusion';
import { decodeImage, type RgbImage } from './image';
import { judgeImage } from './judge-image';
import { judgePrompt } from './judge-prompt';

/**
 * The engine's optional features keep the meaning of the prompt (issue 10): highres fix and
 * panorama still draw what the bundled model draws at its native size, and French / Spanish
 * prompts draw what their English translation asks for. Judged on the flagship prompt, which
 * the model gets right for 8/8 seeds, with relative comparisons rather than golden pixels (the
 * model is retrained from time to time).
 */
const MODEL = join(__dirname, '..', '..', '..', '..', 'models', 'easel-tiny');
const FLAGSHIP = 'a red circle on a blue background';
// 20 steps, as the held-out judge runs (at 12 the continued model's red is often judged orange)
const BASE: Omit<GenerateRequest, 'prompt'> = { steps: 20, scheduler: 'DPM++ 2M', guidanceScale: 7.5 };
const SEEDS = [3, 4];

function crop(img: RgbImage, x0: number, width: number): RgbImage {
  const data = new Uint8Array(width * img.height * 3);
  for (let y = 0; y < img.height; y++) data.set(img.data.subarray((y * img.width + x0) * 3, (y * img.width + x0 + width) * 3), y * width * 3);
  return { width, height: img.height, data };
}

(existsSync(join(MODEL, 'unet', 'model.onnx')) ? describe : describe.skip)('easel-tiny: optional features keep the meaning', () => {
  const engine = new DiffusionEngine({ intraOpNumThreads: 1 });
  afterAll(() => engine.dispose());
  const one = async (request: GenerateRequest) => (await engine.generate(MODEL, { ...BASE, ...request })).images[0];

  it.each(SEEDS)('highres fix at 256×256 keeps the base image\'s composition (seed %i)', async (seed) => {
    const base = judgeImage(await decodeImage(await one({ prompt: FLAGSHIP, seed })));
    const png = await one({ prompt: FLAGSHIP, seed, width: 256, height: 256, highresFix: true });
    const img = await decodeImage(png);
    expect([img.width, img.height]).toEqual([256, 256]);
    const high = judgeImage(img);
    expect(high.background).toBe(base.background);
    expect(high.object?.color).toBe(base.object?.color);
    expect(high.object?.position).toBe(base.object?.position);
    // the centroid, relative to the side, moves little
    expect(Math.abs(high.object!.centroid.x / 256 - base.object!.centroid.x / 128)).toBeLessThan(0.08);
    expect(Math.abs(high.object!.centroid.y / 256 - base.object!.centroid.y / 128)).toBeLessThan(0.08);
    expect((await judgePrompt(FLAGSHIP, png)).accepted).toBe(true);
  });

  it.each(SEEDS)('panorama at 384×128 keeps the blue background across the width, with red objects (seed %i)', async (seed) => {
    const img = await decodeImage(await one({ prompt: FLAGSHIP, seed, width: 384, height: 128, panorama: true }));
    expect([img.width, img.height]).toEqual([384, 128]);
    for (const x0 of [0, 128, 256]) {
      const third = judgeImage(crop(img, x0, 128));
      expect(third.background).toBe('blue');
    }
    expect(judgeImage(img).object?.color).toBe('red');
  });

  it.each([
    ['French', 'un cercle rouge sur fond bleu'],
    ['Spanish', 'un círculo rojo sobre un fondo azul'],
  ])('multi_lingual: a %s prompt draws a red object on a blue background', async (_language, prompt) => {
    for (const seed of SEEDS) {
      const r = await engine.generate(MODEL, { ...BASE, prompt, seed, multiLingual: true });
      expect(r.prompt?.used).toBe(FLAGSHIP);
      const verdict = await judgePrompt(FLAGSHIP, r.images[0]);
      expect(verdict.pass.color).toBe(true);
      expect(verdict.pass.background).toBe(true);
    }
  });

  it('multi_lingual leaves an English prompt unchanged: the same pixels as without it', async () => {
    const plain = await one({ prompt: FLAGSHIP, seed: SEEDS[0] });
    const r = await engine.generate(MODEL, { ...BASE, prompt: FLAGSHIP, seed: SEEDS[0], multiLingual: true });
    expect(r.prompt).toMatchObject({ used: FLAGSHIP, translated: false, detectedLanguage: 'en' });
    expect(r.images[0].equals(plain)).toBe(true);
  });
});
