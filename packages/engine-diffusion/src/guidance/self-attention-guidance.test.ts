import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { DiffusionEngine } from '../engine';
import { describeError, UnsupportedFeatureError } from '../errors';
import { maxAbsDiff, MODELS, SD15_RANDOM } from '../pipeline/test-helpers';
import { gaussianBlur2d, gaussianKernel } from './gaussian-blur';
import { attentionMask } from './self-attention-guidance';

describe('SAG building blocks', () => {
  it('the blur kernel is normalised and symmetric; a flat plane stays flat, a spike spreads', () => {
    const k = gaussianKernel(9, 1);
    expect(k.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 10);
    expect(k[0]).toBeCloseTo(k[8], 12);
    const flat = gaussianBlur2d(new Float32Array(16).fill(3), 4, 4);
    flat.forEach((v) => expect(v).toBeCloseTo(3, 5));
    const spike = new Float32Array(81);
    spike[40] = 1;
    const blurred = gaussianBlur2d(spike, 9, 9);
    expect(blurred[40]).toBeLessThan(0.2);
    expect(blurred[41]).toBeGreaterThan(0.05);
  });

  it('masks the keys that receive more than the mean attention, up-sampled to the latent', () => {
    // 1 sample, 1 head, 2×2 map: every query attends to key 0
    const attention = new Float32Array([1, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0]);
    const mask = attentionMask(attention, 1, 2, 2, 4, 4);
    expect(Array.from(mask)).toEqual([1, 1, 0, 0, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
  });
});

describe('self_attention on a model whose UNet lacks mid_attention_probs', () => {
  const engine = new DiffusionEngine({ intraOpNumThreads: 1 });
  afterAll(() => engine.dispose());

  it('fails with a typed unsupported error naming self_attention', async () => {
    const p = engine.generate(SD15_RANDOM, { prompt: 'a red circle', width: 32, height: 32, steps: 2, seed: 1, selfAttention: true });
    await expect(p).rejects.toBeInstanceOf(UnsupportedFeatureError);
    const info = describeError(await p.catch((e: unknown) => e));
    expect(info).toMatchObject({ code: 'unsupported_feature', field: 'self_attention' });
    expect(info.message).toContain('self_attention is unsupported for this model');
  });
});

const TINY = join(MODELS, 'easel-tiny');
(existsSync(join(TINY, 'unet', 'model.onnx')) ? describe : describe.skip)('self_attention on easel-tiny', () => {
  const engine = new DiffusionEngine({ intraOpNumThreads: 1 });
  afterAll(() => engine.dispose());
  const request = { prompt: 'a red circle on a blue background', steps: 8, seed: 11, scheduler: 'dpm++ 2m', returnPixels: true };

  it('changes the image, is deterministic, and reports its scale and cost', async () => {
    const plain = await engine.generate(TINY, request);
    const sag = await engine.generate(TINY, { ...request, selfAttention: true });
    const again = await engine.generate(TINY, { ...request, selfAttention: true });
    expect(Array.from(again.pixels!)).toEqual(Array.from(sag.pixels!));
    expect(maxAbsDiff(sag.pixels!, plain.pixels!)).toBeGreaterThan(0.02);
    expect(sag.selfAttention).toEqual({ scale: 0.75 });
    expect(sag.timings.phasesMs.self_attention).toBeGreaterThan(0);
    expect(sag.timings.unetMs).toHaveLength(8);
    // a larger scale moves further from the unguided image
    const strong = await engine.generate(TINY, { ...request, selfAttention: true, sagScale: 2 });
    expect(maxAbsDiff(strong.pixels!, plain.pixels!)).toBeGreaterThan(maxAbsDiff(sag.pixels!, plain.pixels!));
  });

  it('a batch of 2 equals the single runs (each sample masks with its own attention), with panorama too', async () => {
    for (const extra of [{}, { panorama: true, width: 192 }]) {
      const both = await engine.generate(TINY, { ...request, ...extra, steps: 3, selfAttention: true, samples: 2 });
      const s1 = await engine.generate(TINY, { ...request, ...extra, steps: 3, selfAttention: true, seed: 12 });
      expect(maxAbsDiff(both.pixels!.subarray(both.pixels!.length / 2), s1.pixels!)).toBeLessThan(1e-4);
    }
  });

  it('works with panorama (per window) and with a k-diffusion scheduler', async () => {
    const r = await engine.generate(TINY, { ...request, width: 192, steps: 4, scheduler: 'euler a', selfAttention: true, panorama: true });
    expect([r.width, r.height]).toEqual([192, 128]);
    expect(r.pixels!.every((v) => Number.isFinite(v))).toBe(true);
  });
});
