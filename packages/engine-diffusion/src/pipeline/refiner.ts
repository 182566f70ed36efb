import type { ControlNetModel } from '../controlnet/controlnet-model';
import { UnsupportedFeatureError } from '../errors';
import type { DiffusionModel } from '../model/load-model';
import { runStableDiffusion } from './stable-diffusion';
import type { GenerateOptions, GenerateRequest, GenerateResult, PipelineLimits, PhaseTimings } from './types';

/** diffusers' SDXL docs use high_noise_frac = 0.8: the base does the first 80 % of the schedule. */
export const DEFAULT_REFINER_SWITCH = 0.8;

function mergeTimings(a: PhaseTimings, b: PhaseTimings): PhaseTimings {
  return {
    totalMs: a.totalMs + b.totalMs,
    textEncoderMs: a.textEncoderMs + b.textEncoderMs,
    stepMs: [...a.stepMs, ...b.stepMs],
    unetMs: [...a.unetMs, ...b.unetMs],
    vaeEncodeMs: a.vaeEncodeMs + b.vaeEncodeMs,
    vaeDecodeMs: a.vaeDecodeMs + b.vaeDecodeMs,
    imageIoMs: a.imageIoMs + b.imageIoMs,
    ortMs: a.ortMs + b.ortMs,
    phasesMs: { ...a.phasesMs, ...b.phasesMs, refiner_base: a.totalMs, refiner_refine: b.totalMs },
  };
}

/**
 * SDXL's ensemble of expert denoisers (Podell et al. 2023, diffusers' base + refiner recipe): the
 * base runs the high-noise part of the schedule (denoising_end = switchAt) and hands its latents,
 * undecoded, to the refiner, which runs the rest (denoising_start = switchAt) and decodes.
 */
export async function runWithRefiner(base: DiffusionModel, refiner: DiffusionModel, request: GenerateRequest, options: GenerateOptions, limits: PipelineLimits, controlNets: readonly ControlNetModel[] = []): Promise<GenerateResult> {
  if (base.info.family !== 'sdxl') throw new UnsupportedFeatureError('refiner', `The refiner is a second stage for SDXL base models; this model is ${base.info.family}.`);
  if (refiner.info.timeIds === 0 || refiner.info.latentChannels !== base.info.latentChannels) {
    throw new UnsupportedFeatureError('refiner', 'The refiner model is not an SDXL model with the base model\'s latent space.');
  }
  const switchAt = request.refiner?.switchAt ?? DEFAULT_REFINER_SWITCH;
  const stage = { ...request, refiner: undefined };
  const first = await runStableDiffusion(base, { ...stage, denoisingEnd: switchAt, returnLatents: true, returnPixels: false }, options, limits, controlNets);
  const baseSteps = first.timings.stepMs.length;
  const onProgress = options.onProgress && ((e: Parameters<NonNullable<GenerateOptions['onProgress']>>[0]) => options.onProgress!({ ...e, step: e.step + baseSteps, total: e.total + baseSteps }));
  const second = await runStableDiffusion(refiner, { ...stage, denoisingStart: switchAt, initLatents: first.latents, seed: first.seeds[0] }, { ...options, onProgress }, limits);
  return {
    ...second,
    timings: mergeTimings(first.timings, second.timings),
    refiner: { model: refiner.info.dir, switchAt, baseSteps, refinerSteps: second.timings.stepMs.length },
  };
}
