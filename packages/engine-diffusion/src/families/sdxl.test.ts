import { join } from 'node:path';
import { LocalDiffusionEngine } from '../local-engine';
import { loadDiffusionModel } from '../model/load-model';
import { encodeSdxlPrompts } from '../pipeline/sdxl-conditioning';
import { sdxlTimeIds } from '../pipeline/sdxl-time-ids';
import { maxAbsDiff, MODELS } from '../pipeline/test-helpers';
import { everyEighthPixel, familyFixtures, reportDiff } from './reference-fixtures';

const BASE = join(MODELS, 'sdxl-random');
const REFINER = join(MODELS, 'sdxl-refiner-random');
interface Meta {
  prompt: string; steps: number; guidance: number; width: number; height: number; scheduler: string;
  denoising_split: number; base_timesteps: number[]; refiner_timesteps: number[]; time_ids: number[]; refiner_time_ids: number[][];
}
const ref = familyFixtures<Meta>('sdxl');
const { meta } = ref;
const request = { prompt: meta.prompt, negativePrompt: '', steps: meta.steps, guidanceScale: meta.guidance, width: meta.width, height: meta.height, scheduler: meta.scheduler, initialNoise: ref.array('noise'), returnPixels: true, seed: 0 };

const report = (what: string, diff: number) => reportDiff('sdxl', what, diff);

describe('SDXL (models/sdxl-random and sdxl-refiner-random: two text encoders, pooled embeds, time ids, refiner)', () => {
  const engine = new LocalDiffusionEngine({ intraOpNumThreads: 1 });
  afterAll(() => engine.dispose());

  it('the fixtures belong to the committed graphs', () => expect(ref.staleGraphs()).toEqual([]));

  it('recognises the base and the refiner, their VAE scaling and 1024² native size', async () => {
    expect((await engine.loadModel(BASE)).info).toMatchObject({ family: 'sdxl', textWidth: 2048, timeIds: 6, scalingFactor: 0.13025, nativeSize: 1024, forceZerosForEmptyPrompt: true });
    expect((await engine.loadModel(REFINER)).info).toMatchObject({ family: 'sdxl-refiner', textWidth: 1280, timeIds: 5 });
  });

  it('conditioning: time ids, the pooled projection and the concatenated penultimate states match the reference', async () => {
    expect(sdxlTimeIds({ width: meta.width, height: meta.height }, 6)[1]).toEqual(meta.time_ids);
    expect(sdxlTimeIds({ width: meta.width, height: meta.height }, 5)).toEqual(meta.refiner_time_ids);
    const model = await loadDiffusionModel(BASE);
    try {
      const text = await encodeSdxlPrompts(model, meta.prompt, '', true, true);
      expect(report('pooled', maxAbsDiff(text.pooled!, ref.array('pooled')))).toBeLessThanOrEqual(1e-3);
      expect(report('prompt embeds', maxAbsDiff(text.cond.subarray(0, 4 * 2048), ref.array('prompt_embeds_head')))).toBeLessThanOrEqual(1e-3);
      // force_zeros_for_empty_prompt: the empty negative prompt is zeros, pooled included
      expect([text.uncond!.every((v) => v === 0), text.unpooled!.every((v) => v === 0)]).toEqual([true, true]);
    } finally {
      await model.release();
    }
  });

  it('one full Euler denoise matches the independent reference within 1e-3', async () => {
    let latents: Float32Array | undefined;
    const r = await engine.generate(BASE, request, { onProgress: (p) => (latents = p.latents?.data) });
    expect(report('latents', maxAbsDiff(latents!, ref.array('latents')))).toBeLessThanOrEqual(1e-3);
    expect(report('pixels', maxAbsDiff(everyEighthPixel(r.pixels!, r.width, r.height), ref.array('pixels')))).toBeLessThanOrEqual(1e-3);
  });

  it('base + refiner split at denoising_end / denoising_start matches the reference within 1e-3', async () => {
    const steps: number[] = [];
    let latents: Float32Array | undefined;
    const r = await engine.generate(BASE, { ...request, refiner: { model: REFINER, switchAt: meta.denoising_split } }, { onProgress: (p) => { steps.push(p.step); latents = p.latents?.data; } });
    expect(r.refiner).toMatchObject({ baseSteps: meta.base_timesteps.length, refinerSteps: meta.refiner_timesteps.length });
    expect(steps).toEqual(meta.base_timesteps.concat(meta.refiner_timesteps).map((_, i) => i + 1));
    expect(report('refined latents', maxAbsDiff(latents!, ref.array('refined_latents')))).toBeLessThanOrEqual(1e-3);
    expect(report('refined pixels', maxAbsDiff(everyEighthPixel(r.pixels!, r.width, r.height), ref.array('refined_pixels')))).toBeLessThanOrEqual(1e-3);
  });

  it('refuses clip_skip 2 naming the field', async () => {
    await expect(engine.generate(BASE, { ...request, clipSkip: 2 })).rejects.toMatchObject({ field: 'clip_skip' });
  });
});
