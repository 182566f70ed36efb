import { hasLargeSizes, type ModelFamily } from '@easel/engine-diffusion/dist/adapter-files';
import type { ModelEntry } from '@easel/model-store';
import { GENERATION_LIMITS, type FieldErrors, type GenerationRequest } from './request';
import { sizeLimitErrors } from './request/generation-readers';
import { modelTraitsOf } from '../models/model-traits-of';

/**
 * Options the chosen model's family cannot honour, refused before credits are held (the engine
 * refuses the same ones by field: flux-unsupported.ts, validate.ts): SD 1.x/2.x keep the smaller
 * sizes (the parser allows SDXL's), only an SDXL base takes a refiner. The family is the one its row
 * recorded; a model of none whose files are not local here reads as SD 1.x, and its worker refuses
 * what it must.
 */
export async function familyCapabilityErrors(
  req: GenerationRequest,
  model: ModelEntry,
): Promise<FieldErrors> {
  const family: ModelFamily = (await modelTraitsOf(model))?.family ?? 'sd1';
  const errors: FieldErrors = {};
  const refuse = (field: string, asked: unknown, why: string) => {
    if (asked)
      errors[field] = [`The ${field.replace(/_/g, ' ')} option is unsupported for ${family} models: ${why}.`];
  };
  if (family === 'sd3')
    refuse('model_id', true, 'Stable Diffusion 3 is recognised but not runnable by this engine yet');
  if (family === 'sdxl' || family === 'sdxl-refiner')
    refuse('clip_skip', req.clipSkip > 1, 'SDXL already conditions on the penultimate layer');
  refuse('refiner', req.refiner && family !== 'sdxl', 'the refiner is a second stage for SDXL base models');
  if (!hasLargeSizes(family) && !req.panorama) {
    for (const [field, message] of sizeLimitErrors(req, GENERATION_LIMITS))
      (errors[field] ??= []).push(`${message} (${family} models)`);
  }
  if (family === 'flux') {
    refuse(
      'negative_prompt',
      (req.negativePrompt ?? '').trim() !== '',
      'FLUX.1 is guidance-distilled and has no negative conditioning',
    );
    // the dialect's scheduler names are all UNet samplers; FLUX runs its model's FlowMatchEulerDiscreteScheduler
    refuse('scheduler', req.scheduler !== null, 'it samples with FlowMatchEulerDiscreteScheduler only');
    refuse('use_karras_sigmas', req.useKarrasSigmas, 'its flow-matching sigmas are shifted, not Karras');
    refuse('init_image', req.kind !== 'text2img', 'only text-to-image is implemented for FLUX');
    refuse('clip_skip', req.clipSkip > 1, 'it conditions on T5 and the pooled CLIP output');
    refuse('panorama', req.panorama, 'MultiDiffusion windows are not implemented for packed latents');
    refuse('self_attention', req.selfAttention, 'SAG needs a UNet');
    refuse('highres_fix', req.highresFix, 'the highres fix needs img2img');
    refuse('lora_model', req.loraModel.length > 0, 'LoRA merging knows UNet and CLIP keys only');
    refuse('embeddings_model', req.embeddingsModel.length > 0, 'textual inversion targets CLIP token tables');
  }
  return errors;
}
