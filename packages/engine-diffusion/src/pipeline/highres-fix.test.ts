import { existsSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { DiffusionEngine } from '../engine';
import { highresBaseSize } from './highres-fix';
import { MODELS, pngToPixels } from './test-helpers';
import { lanczosUpscaler, type ImageUpscaler } from './upscaler';

describe('highres fix sizes', () => {
  it('the base pass has the native short side and the target\'s aspect; never enlarges', () => {
    expect(highresBaseSize(256, 256, 128)).toEqual({ width: 128, height: 128 });
    expect(highresBaseSize(384, 256, 128)).toEqual({ width: 192, height: 128 });
    expect(highresBaseSize(256, 192, 128)).toEqual({ width: 192, height: 128 }); // 170.7 → a multiple of 64
    expect(highresBaseSize(1024, 768, 512)).toEqual({ width: 704, height: 512 });
    expect(highresBaseSize(96, 128, 128)).toEqual({ width: 96, height: 128 });
  });

  it('the Lanczos upscaler returns exactly the asked size', async () => {
    const small = await sharp({ create: { width: 16, height: 8, channels: 3, background: '#ff0000' } }).png().toBuffer();
    const meta = await sharp(await lanczosUpscaler.upscale(small, 48, 24)).metadata();
    expect([meta.width, meta.height]).toEqual([48, 24]);
  });
});

const TINY = join(MODELS, 'easel-tiny');
(existsSync(join(TINY, 'unet', 'model.onnx')) ? describe : describe.skip)('highres fix on easel-tiny', () => {
  it('at the native size it is a plain run, reported as not applied', async () => {
    const engine = new DiffusionEngine({ intraOpNumThreads: 1 });
    const r = await engine.generate(TINY, { prompt: 'a red circle on a blue background', steps: 4, seed: 1, highresFix: true });
    expect(r.highresFix).toMatchObject({ baseWidth: 128, baseHeight: 128, applied: false });
    expect(r.width).toBe(128);
    await engine.dispose();
  });
    describe('with a spy upscaler', () => {
    it('runs base → upscale (the plugged-in upscaler) → img2img at the target; progress counts both passes; batch = single runs', async () => {
      const calls: string[] = [];
      const upscaler: ImageUpscaler = { name: 'spy', upscale: (img, w, h) => (calls.push(`${w}x${h}`), lanczosUpscaler.upscale(img, w, h)) };
      const engine = new DiffusionEngine({ intraOpNumThreads: 1, upscaler });
      const events: number[] = [];
      const totals: number[] = [];
      const passes: Array<[string | undefined, number | undefined, number | undefined]> = [];
      const r = await engine.generate(TINY, { prompt: 'a red circle', width: 256, height: 192, steps: 4, seed: 3, scheduler: 'euler', highresFix: true, highresFixStrength: 0.5, samples: 2, returnPixels: true }, { onProgress: (e) => (events.push(e.step), totals.push(e.total), passes.push([e.phase, e.latents?.width, e.latents?.height])) });
      expect([r.width, r.height]).toEqual([256, 192]);
      expect(calls).toEqual(['256x192', '256x192']);
      expect(r.highresFix).toEqual({ baseWidth: 192, baseHeight: 128, strength: 0.5, upscaler: 'spy', applied: true });
      const png = await pngToPixels(r.images[1]);
      expect([png.width, png.height]).toEqual([256, 192]);
      expect(events).toEqual([1, 2, 3, 4, 5, 6, 7, 8]); // 4 base steps + 2 × 2 refine steps
      expect(new Set(totals)).toEqual(new Set([8]));
      // Every step of both passes says its pass and carries its latents (live previews of the refine pass too).
      const f = 256 / 32; // easel-tiny's VAE: 8 pixels per latent cell
      expect(passes).toEqual([
        ...Array(4).fill(['highres_base', 192 / f, 128 / f]),
        ...Array(4).fill(['highres_refine', 256 / f, 192 / f]),
      ]);
      for (const k of ['highres_base', 'highres_upscale', 'highres_refine']) expect(r.timings.phasesMs[k]).toBeGreaterThan(0);
      const single = await engine.generate(TINY, { prompt: 'a red circle', width: 256, height: 192, steps: 4, seed: 4, scheduler: 'euler', highresFix: true, highresFixStrength: 0.5, returnPixels: true });
      expect(Array.from(single.pixels!)).toEqual(Array.from(r.pixels!.subarray(3 * 256 * 192)));
      await expect(engine.generate(TINY, { prompt: 'x', width: 256, height: 256, highresFix: true, highresFixStrength: 2 })).rejects.toMatchObject({ field: 'highres_fix_strength' });
      await expect(engine.generate(TINY, { prompt: 'x', width: 2048, height: 64, highresFix: true })).rejects.toMatchObject({ field: 'width' });
      await engine.dispose();
    });
  });
});
