import { validateControlNets } from '../controlnet/validate-controlnets';
import { InvalidRequestError, UnsupportedFeatureError } from '../errors';
import { DEFAULT_SAG_SCALE } from '../guidance/self-attention-guidance';
import type { ModelInfo } from '../model/model-info';
import { MAX_SEED, randomSeed } from '../random/noise';
import { canonicalSchedulerName, isSchedulerName } from '../schedulers/registry';
import type { GenerateRequest, OutputFormat, PipelineLimits } from './types';
import { hasLargeSizes, LARGE_FAMILY_LIMITS } from '../model/family-sizes';

export type Mode = 'text2img' | 'img2img' | 'inpaint';

export interface NormalizedRequest {
  mode: Mode;
  prompt: string;
  negativePrompt: string;
  width: number;
  height: number;
  samples: number;
  steps: number;
  guidanceScale: number;
  seed: number;
  scheduler: string;
  clipSkip: number;
  strength: number;
  outputFormat: OutputFormat;
  quality: number;
  panorama: boolean;
  selfAttention: boolean;
  sagScale: number;
}

function int(field: string, value: unknown, fallback: number): number {
  if (value === undefined || value === null) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value)) throw new InvalidRequestError('invalid_integer', field, `The ${field} field must be an integer.`);
  return value;
}

function num(field: string, value: unknown, fallback: number): number {
  if (value === undefined || value === null) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value)) throw new InvalidRequestError('invalid_number', field, `The ${field} field must be a number.`);
  return value;
}

function between(field: string, v: number, lo: number, hi: number, code: string): void {
  if (v < lo || v > hi) throw new InvalidRequestError(code, field, `The ${field} field must be between ${lo} and ${hi}.`);
}

function largeFamilyLimits(info: ModelInfo, limits: PipelineLimits): { maxSide: number; maxPixels: number } {
  if (!hasLargeSizes(info.family)) return limits;
  return { maxSide: Math.max(limits.maxSide, LARGE_FAMILY_LIMITS.maxSide), maxPixels: Math.max(limits.maxPixels, LARGE_FAMILY_LIMITS.maxPixels) };
}

/** Check a request against the limits and the model; fill defaults. Throws typed errors with the API's field names. */
export function normalizeRequest(req: GenerateRequest, limits: PipelineLimits, info: ModelInfo, nativeSize: number): NormalizedRequest {
  if (typeof req.prompt !== 'string') throw new InvalidRequestError('required', 'prompt', 'The prompt field is required.');
  const mode: Mode = req.maskImage ? 'inpaint' : req.initImage ? 'img2img' : 'text2img';
  if (req.maskImage && !req.initImage) throw new InvalidRequestError('required', 'init_image', 'The init image field is required when mask_image is present.');
  if (mode !== 'text2img' && !info.hasVaeEncoder) throw new UnsupportedFeatureError('init_image', 'This model has no VAE encoder, so it cannot do img2img or inpainting.');
  if (mode !== 'inpaint' && info.isInpaintUnet) throw new UnsupportedFeatureError('mask_image', 'This is an inpainting model: it needs init_image and mask_image.');

  if (req.panorama && mode === 'inpaint') throw new UnsupportedFeatureError('panorama', 'panorama is unsupported with inpainting.');
  if (req.selfAttention && info.isInpaintUnet) throw new UnsupportedFeatureError('self_attention', 'self_attention is unsupported for inpainting models.');
  const large = largeFamilyLimits(info, limits);
  const maxSide = req.panorama ? limits.panoramaMaxSide : large.maxSide;
  const maxPixels = req.panorama ? limits.panoramaMaxPixels : large.maxPixels;
  const width = int('width', req.width, nativeSize);
  const height = int('height', req.height, nativeSize);
  const multiple = Math.max(8, info.vaeScaleFactor);
  for (const [field, v] of [['width', width], ['height', height]] as const) {
    if (v < limits.minSide) throw new InvalidRequestError('size_too_small', field, `The ${field} must be at least ${limits.minSide}.`);
    if (v > maxSide) throw new InvalidRequestError('size_too_large', field, `The ${field} must not be greater than ${maxSide}.`);
    if (v % multiple !== 0) throw new InvalidRequestError('size_not_multiple', field, `The ${field} must be a multiple of ${multiple}.`);
  }
  if (width * height > maxPixels) {
    throw new InvalidRequestError('size_too_large', width >= height ? 'width' : 'height', `The image size ${width}×${height} is above the limit of ${maxPixels} pixels (${req.panorama ? 'e.g. 2048×768' : 'e.g. 1024×768 or 768×1024'}).`);
  }
  const samples = int('samples', req.samples, 1);
  between('samples', samples, 1, limits.maxSamples, 'invalid_samples');
  const steps = int('num_inference_steps', req.steps, 20);
  between('num_inference_steps', steps, 1, limits.maxSteps, 'invalid_steps');
  const guidanceScale = num('guidance_scale', req.guidanceScale, 7.5);
  between('guidance_scale', guidanceScale, 0, limits.maxGuidance, 'invalid_guidance_scale');
  const clipSkip = int('clip_skip', req.clipSkip, 1);
  between('clip_skip', clipSkip, 1, 2, 'invalid_clip_skip');
  if (clipSkip === 2 && info.timeIds > 0) {
    throw new UnsupportedFeatureError('clip_skip', 'clip_skip 2 is unsupported for SDXL models: their conditioning is already the penultimate layer.');
  }
  if (clipSkip === 2 && info.hiddenStateOutputs.length < 2) {
    throw new UnsupportedFeatureError('clip_skip', 'clip_skip 2 is unsupported for this model: its text encoder does not expose hidden states.');
  }
  const strength = num('strength', req.strength, mode === 'img2img' ? 0.8 : 1);
  between('strength', strength, 0, 1, 'invalid_strength');
  let seed: number;
  if (req.seed === undefined || req.seed === null) seed = randomSeed();
  else {
    seed = int('seed', req.seed, 0);
    between('seed', seed, 0, MAX_SEED, 'invalid_seed');
  }
  const scheduler = canonicalSchedulerName(req.scheduler ?? defaultScheduler(info));
  if (req.timestepSpacing !== undefined && !['leading', 'linspace', 'trailing'].includes(req.timestepSpacing)) {
    throw new InvalidRequestError('invalid_timestep_spacing', 'timestep_spacing', 'The timestep spacing must be one of leading, linspace, trailing.');
  }
  const outputFormat = req.outputFormat ?? 'png';
  if (!['png', 'jpeg', 'webp'].includes(outputFormat)) throw new InvalidRequestError('invalid_format', 'output_format', 'The output format must be one of png, jpeg, webp.');
  const quality = int('quality', req.quality, 90);
  between('quality', quality, 1, 100, 'invalid_quality');
  if (req.initialNoise) {
    const expected = samples * info.latentChannels * (height / info.vaeScaleFactor) * (width / info.vaeScaleFactor);
    if (req.initialNoise.length !== expected) throw new InvalidRequestError('invalid_noise', 'initial_noise', `The initial noise must have ${expected} values.`);
  }
  validateControlNets(req);
  const sagScale = num('sag_scale', req.sagScale, DEFAULT_SAG_SCALE);
  between('sag_scale', sagScale, 0, 10, 'invalid_sag_scale');
  return {
    panorama: req.panorama === true,
    selfAttention: req.selfAttention === true,
    sagScale,
    mode,
    prompt: req.prompt,
    negativePrompt: req.negativePrompt ?? '',
    width,
    height,
    samples,
    steps,
    guidanceScale,
    seed,
    scheduler,
    clipSkip,
    strength,
    outputFormat,
    quality,
  };
}

/** The model's own scheduler class (scheduler_config.json `_class_name`), else PNDM as SD 1.5 ships. */
function defaultScheduler(info: ModelInfo): string {
  const name = info.schedulerConfig._class_name;
  return typeof name === 'string' && isSchedulerName(name) ? name : 'PNDMScheduler';
}
