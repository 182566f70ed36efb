/** The generation request's types, limits (API.md's) and defaults. */
import type { DiffusionParams } from '@easel/contracts';
import { LARGE_FAMILY_LIMITS } from '@easel/engine-diffusion/dist/adapter-files';
import { COMMON_LIMITS } from '../../common/request/field-reader';
import type { OutputFormat } from '../../common/request/fields';

export type { OutputFormat };
export type GenerationKind = 'text2img' | 'img2img' | 'inpaint';

export type SafetyCheckerType = 'blank' | 'blur' | 'pixelate' | 'black';
export type Upscale = 2 | 3 | 4;

/**
 * A validated generation request: what the diffusion worker needs (`DiffusionParams`, shared
 * with the workers through @easel/contracts) plus what only the gateway acts on.
 */
export interface GenerationRequest extends DiffusionParams {
  base64: boolean;
  webhook: string | null;
  trackId: string | number | null;
  modelId: string | null;
  safetyChecker: boolean;
  safetyCheckerType: SafetyCheckerType;
  enhancePrompt: boolean;
  multiLingual: boolean;
  panorama: boolean;
  selfAttention: boolean;
  highresFix: boolean;
  tomesd: boolean;
  upscale: Upscale | null;
  loraModel: string[];
  /** Same length as `loraModel`. */
  loraStrength: number[];
  embeddingsModel: string[];
  vae: string | null;
  /** `refiner: yes`: run the model's paired SDXL refiner (prepareGeneration resolves it into `refinerModel`). */
  refiner: boolean;
}

export interface ParseGenerationOptions {
  /** The v4 dreambooth endpoints need `model_id`. */
  requireModelId?: boolean;
}

/** API.md's limits. */
export const GENERATION_LIMITS = {
  sideMultiple: 8,
  minSide: 64,
  maxSide: 1024,
  /** 1024×768 or 768×1024. */
  maxPixels: 1024 * 768,
  /** SDXL and FLUX models (the engine's families with large sizes): 1024² pixels, SDXL's aspect buckets up to 1536×640. */
  large: LARGE_FAMILY_LIMITS,
  /** With panorama: yes, wide (or tall) images up to 2048 on a side, 2048×768 pixels. */
  panorama: { maxSide: 2048, maxPixels: 2048 * 768 },
  highresFixStrength: { min: 0, max: 1 },
  samples: { min: 1, max: 4 },
  steps: { min: 1, max: 50 },
  guidanceScale: { min: 1, max: 20 },
  clipSkip: { min: 1, max: 2 },
  strength: { min: 0, max: 1 },
  seed: { min: 0, max: 4294967295 },
  /** Long prompts are chunked by 75 tokens as A1111 does; this only bounds the body. */
  maxPromptCharacters: 2000,
  ...COMMON_LIMITS,
} as const;

/**
 * Defaults for fields the client leaves unset (absent, null or ""). The public service's documented
 * defaults where Easel can honour them: samples 1, num_inference_steps 20 and guidance_scale 7.5
 * (its example bodies and `meta`), safety_checker yes, clip_skip 1, upscale no, base64 and temp no.
 */
export const GENERATION_DEFAULTS = {
  samples: 1,
  steps: 20,
  guidanceScale: 7.5,
  clipSkip: 1,
  safetyChecker: true,
  /** The overview page: "Any image detected as NSFW will be replaced by a blank image". */
  safetyCheckerType: 'blank',
  /**
   * The public service defaults enhance_prompt (an LLM rewrite of the prompt) to yes. Easel does not
   * rewrite prompts unasked: the same prompt and seed must give the same pixels, and the bundled model
   * is tested on literal prompts ("a red circle"). Clients that want it send "yes".
   */
  enhancePrompt: false,
  multiLingual: false,
  panorama: false,
  selfAttention: false,
  highresFix: false,
  refiner: false,
  /** Token merging trades fidelity for speed and changes the pixels; off unless asked for. */
  tomesd: false,
  /** Off unless asked for, or implied by a scheduler label such as "DPM++ 2M Karras". */
  useKarrasSigmas: false,
  base64: false,
  temp: false,
  outputFormat: 'png',
} as const satisfies Partial<GenerationRequest>;
