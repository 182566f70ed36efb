/**
 * The `meta` object of a generation's success (and webhook, and fetch) answer: every parameter the
 * job used, under the API's snake_case names, with the public service's conventions — `W`/`H`,
 * `steps`, `n_samples`, yes/no strings for flags, comma-joined lists, the scheduler's diffusers class
 * name, and the values the engine chose where the client left them unset (seed, size, model).
 *
 * Left out on purpose: `key`, `webhook` (it may carry the client's own secret; it is not a
 * generation parameter) and `track_id` (echoed at the top level of the answer).
 */
import type { DiffusionResult } from '@easel/contracts';
import type { GenerationRequest } from './generation-request';
import { schedulerDisplayName } from './scheduler-names';
import { yesNo, isUrl } from '../../common/meta-values';

/** What only the finished (or started) job knows. */
export interface MetaExtras {
  /** The seed of the first image (the engine's random pick when the request had none). */
  seed: number;
  /** The size the engine generated at (the model's default when the request had none). */
  width: number;
  height: number;
  /** The model that ran (the deployment's default when the request had none). */
  modelId: string;
  /** The scheduler that ran (class name or any alias); else the request's; else null. */
  scheduler?: string | null;
  /** The strength the engine used for img2img/inpaint when the request left it unset. */
  strength?: number | null;
  /** Where a base64 init/mask image was stored, to echo instead of the (large) base64 text. */
  initImageUrl?: string | null;
  maskImageUrl?: string | null;
}

const joined = (list: readonly (string | number)[]): string | null =>
  list.length === 0 ? null : list.join(',');

export function echoMeta(req: GenerationRequest, extras: MetaExtras): Record<string, unknown> {
  const scheduler = extras.scheduler ?? req.scheduler;
  const meta: Record<string, unknown> = {
    prompt: req.prompt,
    negative_prompt: req.negativePrompt,
    model_id: extras.modelId,
    W: extras.width,
    H: extras.height,
    steps: req.steps,
    guidance_scale: req.guidanceScale,
    seed: extras.seed,
    n_samples: req.samples,
    scheduler: scheduler === null ? null : schedulerDisplayName(scheduler),
    use_karras_sigmas: yesNo(req.useKarrasSigmas),
    algorithm_type: req.algorithmType,
    clip_skip: req.clipSkip,
    safety_checker: yesNo(req.safetyChecker),
    safety_checker_type: req.safetyCheckerType,
    enhance_prompt: yesNo(req.enhancePrompt),
    multi_lingual: yesNo(req.multiLingual),
    panorama: yesNo(req.panorama),
    self_attention: yesNo(req.selfAttention),
    upscale: req.upscale === null ? 'no' : String(req.upscale),
    highres_fix: yesNo(req.highresFix),
    // a job stored before the field existed has none
    refiner: yesNo(req.refiner === true),
    tomesd: yesNo(req.tomesd),
    lora_model: joined(req.loraModel),
    lora_strength: joined(req.loraStrength),
    embeddings_model: joined(req.embeddingsModel),
    vae: req.vae,
    base64: yesNo(req.base64),
    temp: yesNo(req.temp),
    output_format: req.outputFormat,
  };
  // null: the engine's default, which the finished job reports (resultMeta)
  if (req.highresFix) meta.highres_fix_strength = req.highresFixStrength ?? null;
  if (req.refiner) meta.refiner_model = req.refinerModel ?? null;
  if (req.kind === 'img2img' || req.kind === 'inpaint') {
    meta.init_image = isUrl(req.initImage) ? req.initImage : (extras.initImageUrl ?? null);
    meta.strength = req.strength ?? extras.strength ?? null;
  }
  if (req.kind === 'inpaint') {
    meta.mask_image = isUrl(req.maskImage) ? req.maskImage : (extras.maskImageUrl ?? null);
  }
  return meta;
}

/**
 * What only the finished job knows, merged into `meta`: what the optional features did (the
 * detected language and translated prompt, the enhanced prompt, the highres fix's base size and
 * strength, the panorama's windows, the SAG scale — the worker's `featureMeta`) and
 * `generation_time_by_phase`, the job's `generationTime` split by phase in seconds (text encoder,
 * UNet, VAE, image I/O and each optional feature's own phase).
 */
export function resultMeta(result: DiffusionResult): Record<string, unknown> {
  return { ...result.featureMeta, generation_time_by_phase: result.timings };
}
