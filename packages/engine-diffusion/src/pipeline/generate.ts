import { DEFAULT_SAG_SCALE } from '../guidance/self-attention-guidance';
import type { ControlNetModel } from '../controlnet/controlnet-model';
import type { DiffusionModel } from '../model/load-model';
import { preparePrompt } from '../prompt/prepare-prompt';
import { UnsupportedFeatureError } from '../errors';
import { runHighresFix } from './highres-fix';
import { runWithRefiner } from './refiner';
import { panoramaStride, panoramaWindows } from './panorama';
import { runStableDiffusion } from './stable-diffusion';
import { DEFAULT_LIMITS, type GenerateOptions, type GenerateRequest, type GenerateResult, type PipelineLimits } from './types';
import { lanczosUpscaler, type ImageUpscaler } from './upscaler';

/**
 * One generation with the optional features around the pipeline: the prompt's translation and
 * enhancement first, then the highres fix (two pipeline runs) or one run; panorama and
 * self-attention guidance act inside the denoising loop (stable-diffusion.ts).
 */
export async function generate(
  model: DiffusionModel,
  request: GenerateRequest,
  options: GenerateOptions = {},
  limits: PipelineLimits = DEFAULT_LIMITS,
  upscaler: ImageUpscaler = lanczosUpscaler,
  controlNets: readonly ControlNetModel[] = [],
  refiner?: DiffusionModel,
): Promise<GenerateResult> {
  const t0 = performance.now();
  const phasesMs: Record<string, number> = {};
  const prompt = typeof request.prompt === 'string' ? preparePrompt(request.prompt, request, phasesMs) : undefined;
  const req = prompt ? { ...request, prompt: prompt.used, negativePrompt: prompt.translatedNegativePrompt ?? request.negativePrompt } : request;
  // validation refuses the highres fix with ControlNets, so they only ever go to a single run
  let result: GenerateResult;
  if (req.refiner) {
    if (!refiner) throw new UnsupportedFeatureError('refiner', 'The refiner model was not loaded.');
    if (req.highresFix) throw new UnsupportedFeatureError('refiner', 'The refiner is not available with the highres fix.');
    result = await runWithRefiner(model, refiner, req, options, limits, controlNets);
  } else {
    result = req.highresFix ? await runHighresFix(runStableDiffusion, upscaler, model, req, options, limits) : await runStableDiffusion(model, req, options, limits, controlNets);
  }
  Object.assign(result.timings.phasesMs, phasesMs);
  result.timings.totalMs = performance.now() - t0;
  if (prompt) result.prompt = prompt;
  if (req.panorama) {
    const f = model.info.vaeScaleFactor;
    const window = model.info.nativeSize / f;
    result.panorama = { windows: panoramaWindows(result.height / f, result.width / f, window).windows.length, window, stride: panoramaStride(window) };
  }
  if (req.selfAttention) result.selfAttention = { scale: req.sagScale ?? DEFAULT_SAG_SCALE };
  return result;
}
