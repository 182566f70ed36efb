import { UnsupportedFeatureError } from '../errors';
import type { GenerateRequest } from '../pipeline/types';

/**
 * The request options a FLUX.1 model cannot honour here, each refused naming its API field:
 * FLUX.1-dev is guidance-distilled (no negative prompt, no classifier-free guidance pass), samples
 * with its own flow-matching scheduler, and this engine runs it for text-to-image only.
 */
export function refuseFluxUnsupported(req: GenerateRequest): void {
  const refuse = (field: string, asked: unknown, why: string) => {
    if (asked) throw new UnsupportedFeatureError(field, `${field} is unsupported for FLUX models: ${why}.`);
  };
  refuse('negative_prompt', (req.negativePrompt ?? '').trim() !== '', 'FLUX.1 is guidance-distilled and has no negative conditioning');
  refuse('scheduler', req.scheduler !== undefined && !/^(FlowMatchEulerDiscrete(Scheduler)?|flow[-_ ]?match[-_ ]?euler)$/i.test(req.scheduler), 'it samples with FlowMatchEulerDiscreteScheduler only');
  refuse('use_karras_sigmas', req.useKarrasSigmas, 'its flow-matching sigmas are shifted, not Karras');
  refuse('init_image', req.initImage, 'only text-to-image is implemented for FLUX');
  refuse('mask_image', req.maskImage, 'only text-to-image is implemented for FLUX');
  refuse('clip_skip', (req.clipSkip ?? 1) !== 1, 'it conditions on T5 and the pooled CLIP output');
  refuse('panorama', req.panorama, 'MultiDiffusion windows are not implemented for packed latents');
  refuse('self_attention', req.selfAttention, 'SAG needs a UNet');
  refuse('highres_fix', req.highresFix, 'the highres fix needs img2img');
  refuse('controlnet_model', req.controlNets?.length, 'no FLUX ControlNet is supported');
  refuse('lora_model', req.loras?.length, 'LoRA merging knows UNet and CLIP keys only');
  refuse('embeddings_model', req.embeddings?.length, 'textual inversion targets CLIP token tables');
  refuse('refiner', req.refiner, 'the refiner is a second stage for SDXL');
}
