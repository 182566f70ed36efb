import { join } from 'node:path';
import sharp from 'sharp';
import { DiffusionEngine } from '../engine';
import { describeError } from '../errors';
import type { GenerateRequest } from '../pipeline/types';
import { blockImage, maxAbsDiff, MODELS, SD15_RANDOM, SD15_RANDOM_INPAINT } from '../pipeline/test-helpers';
import { controlActive, guessModeScales } from './control-residuals';

const SD15_CONTROLNET = join(MODELS, 'sd15-random-controlnet');
const engine = new DiffusionEngine({ intraOpNumThreads: 1 });
afterAll(() => engine.dispose());

/** A white square outline on black, the kind of map a Canny preprocessor makes. */
async function outlineHint(size: number, side = 'left'): Promise<Buffer> {
  const g = Buffer.alloc(size * size);
  const x0 = side === 'left' ? size / 8 : size / 2;
  const x1 = x0 + size / 3;
  for (let y = size / 3; y < size / 3 + size / 3; y++)
    for (let x = x0; x < x1; x++) if (y === size / 3 || y === (2 * size) / 3 - 1 || x === x0 || x === x1 - 1) g[y * size + x] = 255;
  return sharp(g, { raw: { width: size, height: size, channels: 1 } }).png().toBuffer();
}

const base: GenerateRequest = { prompt: 'a red circle', width: 32, height: 32, steps: 3, seed: 5, scheduler: 'euler', returnPixels: true };

describe('ControlNet on sd15-random (SD 1.5 interface, random weights)', () => {
  it('a ControlNet changes the picture; conditioning scale 0 gives the pixels of no control', async () => {
    const hint = await outlineHint(32);
    const plain = await engine.generate(SD15_RANDOM, base);
    const off = await engine.generate(SD15_RANDOM, { ...base, controlNets: [{ path: SD15_CONTROLNET, name: 'random', image: hint, scale: 0 }] });
    const on = await engine.generate(SD15_RANDOM, { ...base, controlNets: [{ path: SD15_CONTROLNET, name: 'random', image: hint, scale: 1 }] });
    expect(maxAbsDiff(off.pixels!, plain.pixels!)).toBe(0);
    expect(maxAbsDiff(on.pixels!, plain.pixels!)).toBeGreaterThan(1e-5);
    expect(on.timings.phasesMs.controlnet).toBeGreaterThan(0);
  });

  it('two ControlNets sum: each alone differs from both, and the pair differs from either', async () => {
    const a = { path: SD15_CONTROLNET, name: 'a', image: await outlineHint(32, 'left') };
    const b = { path: SD15_CONTROLNET, name: 'b', image: await outlineHint(32, 'right'), scale: 0.8 };
    const onlyA = await engine.generate(SD15_RANDOM, { ...base, controlNets: [a] });
    const onlyB = await engine.generate(SD15_RANDOM, { ...base, controlNets: [b] });
    const both = await engine.generate(SD15_RANDOM, { ...base, controlNets: [a, b] });
    expect(maxAbsDiff(both.pixels!, onlyA.pixels!)).toBeGreaterThan(1e-5);
    expect(maxAbsDiff(both.pixels!, onlyB.pixels!)).toBeGreaterThan(1e-5);
  });

  it('guess mode and a guidance window each change the result; img2img and a hint of another size work', async () => {
    const use = { path: SD15_CONTROLNET, name: 'random', image: await outlineHint(64) };
    const full = await engine.generate(SD15_RANDOM, { ...base, controlNets: [use] });
    const guess = await engine.generate(SD15_RANDOM, { ...base, controlNets: [use], guessMode: true });
    const late = await engine.generate(SD15_RANDOM, { ...base, controlNets: [{ ...use, guidanceStart: 0.5 }] });
    expect(maxAbsDiff(guess.pixels!, full.pixels!)).toBeGreaterThan(1e-5);
    expect(maxAbsDiff(late.pixels!, full.pixels!)).toBeGreaterThan(1e-5);
    const img2img = await engine.generate(SD15_RANDOM, { ...base, initImage: await blockImage(32, 32), strength: 0.6, controlNets: [use] });
    expect(img2img.images).toHaveLength(1);
  });

  it('refuses what cannot work, naming the field', async () => {
    const use = { path: SD15_CONTROLNET, name: 'random', image: await outlineHint(32) };
    const refuse = async (req: GenerateRequest, dir = SD15_RANDOM) => describeError(await engine.generate(dir, req).then(() => undefined, (e: unknown) => e));
    expect(await refuse({ ...base, controlNets: [{ ...use, image: Buffer.from('not an image') }] })).toMatchObject({ field: 'control_image' });
    expect(await refuse({ ...base, controlNets: [{ ...use, scale: -1 }] })).toMatchObject({ field: 'controlnet_conditioning_scale' });
    expect(await refuse({ ...base, controlNets: [{ ...use, guidanceStart: 0.8, guidanceEnd: 0.2 }] })).toMatchObject({ field: 'control_guidance_start' });
    expect(await refuse({ ...base, controlNets: [use], panorama: true })).toMatchObject({ field: 'panorama' });
    expect(await refuse({ ...base, guessMode: true })).toMatchObject({ field: 'controlnet_model' });
    expect(await refuse({ ...base, controlNets: [{ ...use, path: join(MODELS, 'no-such-controlnet') }] })).toMatchObject({ field: 'controlnet_model' });
    // a UNet without residual inputs (the inpainting test model) cannot take a ControlNet
    const inpaint = { ...base, initImage: await blockImage(32, 32), maskImage: await blockImage(32, 32), controlNets: [use] };
    expect(await refuse(inpaint, SD15_RANDOM_INPAINT)).toMatchObject({ field: 'controlnet_model', code: 'adapter_mismatch' });
  });
});

describe('ControlNet schedule', () => {
  it("guess mode's ramp is diffusers' logspace(-1, 0, n + 1)", () => {
    const s = guessModeScales(12);
    expect(s).toHaveLength(13);
    expect(s[0]).toBeCloseTo(0.1, 6);
    expect(s[12]).toBeCloseTo(1, 6);
    expect(s[6]).toBeCloseTo(10 ** -0.5, 6);
  });

  it('control_guidance_start/end keep the steps diffusers keeps', () => {
    const acting = (start: number, end: number) => Array.from({ length: 10 }, (_, i) => controlActive(i, 10, start, end));
    expect(acting(0, 1).every(Boolean)).toBe(true);
    expect(acting(0.5, 1).filter(Boolean)).toHaveLength(5);
    expect(acting(0, 0.3).filter(Boolean)).toHaveLength(3);
  });
});
