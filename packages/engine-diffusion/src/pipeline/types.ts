import type { AdapterReport, EmbeddingRef, LoraRef } from '../adapters/adapt-model';
import type { ControlNetUse } from '../controlnet/controlnet-use';
import type { DenoisingSplitRequest } from './denoising-split';
import type { SdxlMicroConditioning } from './sdxl-time-ids';

export type OutputFormat = 'png' | 'jpeg' | 'webp';

/** One generation. Field names follow the engine's camelCase; the HTTP layer maps the API's snake_case. */
export interface GenerateRequest extends DenoisingSplitRequest, Partial<Omit<SdxlMicroConditioning, 'width' | 'height'>> {
  prompt: string;
  negativePrompt?: string | null;
  /** Pixels; multiples of 8. Default: the model's native size (UNet sample_size × VAE factor) or 512. */
  width?: number;
  height?: number;
  /** 1–4 images in one batch; sample i uses seed + i. */
  samples?: number;
  /** 1–50 (`num_inference_steps`). */
  steps?: number;
  /** ≤ 1 disables classifier-free guidance. Default 7.5. */
  guidanceScale?: number;
  /** Integer ≥ 0; null/undefined picks one at random (reported in the result). */
  seed?: number | null;
  /** Any name or alias the scheduler registry accepts. Default: the model's scheduler_config.json class. */
  scheduler?: string;
  useKarrasSigmas?: boolean;
  algorithmType?: string;
  /**
   * Override the scheduler config's `timestep_spacing`. Unset, each scheduler uses its diffusers
   * default for the model's config (SD 1.5's config names none: Euler/DPM++ use "linspace", DDIM/PNDM "leading").
   */
  timestepSpacing?: 'leading' | 'linspace' | 'trailing';
  /** A1111 clip skip: 1 (last layer) or 2 (penultimate layer; needs a text encoder exposing hidden states). */
  clipSkip?: number;
  /** A1111 prompt emphasis `(word:1.2)`; default on. */
  promptWeighting?: boolean;
  /** img2img / inpaint source image (any format sharp reads), resized to width × height. */
  initImage?: Buffer;
  /** 0–1: how much of the init image to repaint (img2img default 0.8, inpaint 1). */
  strength?: number;
  /** Inpaint mask (white = repaint), resized to width × height and binarised at 50 %. */
  maskImage?: Buffer;
  outputFormat?: OutputFormat;
  /** JPEG/WebP quality 1–100 (default 90). */
  quality?: number;
  /** Also return the decoded float pixels (NCHW, 0–1) — for parity tests. */
  returnPixels?: boolean;
  /** LoRAs merged into the UNet and text encoder (W + strength·up·down·alpha/rank), in this order. */
  loras?: LoraRef[];
  /** Textual-inversion embeddings; each adds its token to the prompt vocabulary. */
  embeddings?: EmbeddingRef[];
  /** Replace the seeded initial noise (float32 [samples, C, h, w], unit variance) — for parity tests. */
  initialNoise?: Float32Array;
  /**
   * img2img: keep the init image's structure at this coarser size (pixels), letting the steps change
   * only what is finer (ILVR, low-frequency-lock.ts) — the highres fix's refine pass sets its base size.
   */
  keepInitStructureAt?: { width: number; height: number };
  /**
   * MultiDiffusion panorama: denoise in overlapping windows of the model's native size (stride: an
   * eighth of the window), averaging their outputs per latent cell at every step. Allows sides up to
   * `limits.panoramaMaxSide`. Not with inpainting.
   */
  panorama?: boolean;
  /** Self-attention guidance (needs a UNet exporting `mid_attention_probs`, else `unsupported_feature` on `self_attention`). */
  selfAttention?: boolean;
  /** SAG strength (diffusers' `sag_scale`, default 0.75). */
  sagScale?: number;
  /**
   * A1111-style highres fix (text2img): generate at a base size (short side = the model's native
   * side), upscale the images, then img2img at width × height with `highresFixStrength`.
   */
  highresFix?: boolean;
  /** Denoising strength of the highres-fix pass, 0–1 (default 0.35, DEFAULT_HIGHRES_STRENGTH). */
  highresFixStrength?: number;
  /** Detect the prompt's language and translate it to English before encoding (see src/prompt/README). */
  multiLingual?: boolean;
  /** Deterministic prompt enrichment (see src/prompt/enhance-prompt.ts). */
  enhancePrompt?: boolean;
  /**
   * ControlNets, each with its hint image: their residuals are summed into the UNet's skip
   * connections (multi-ControlNet). The model's UNet must take them (down_block_additional_residual_*).
   * Not with panorama or the highres fix.
   */
  controlNets?: ControlNetUse[];
  /** diffusers' guess_mode: the ControlNets see the conditional rows only, their residuals ramped 0.1 → 1. */
  guessMode?: boolean;
  /**
   * SDXL base + refiner: the base denoises until `switchAt` (its denoising_end, default 0.8), the
   * refiner model (a directory) finishes from those latents (its denoising_start).
   */
  refiner?: { model: string; switchAt?: number };
  /** Start from these latents [samples, C, h, w] instead of noise (with `denoisingStart`: a refiner stage). */
  initLatents?: Float32Array;
  /** Stop before the VAE: the result's `latents` hold the final latents and `images` is empty. */
  returnLatents?: boolean;
}

export interface ProgressEvent {
  /** 1-based UNet evaluation index. */
  step: number;
  total: number;
  elapsedMs: number;
  /**
   * The first sample's latents after this step (a copy, planar C×height×width), for live previews;
   * only the plain denoise loop sets it (the highres fix passes on its passes' latents).
   */
  latents?: LatentSnapshot;
  /**
   * The pass of a multi-pass run this step belongs to (`step` and `total` count every pass):
   * `highres_base` and `highres_refine` for the highres fix, named as its PhaseTimings are.
   */
  phase?: string;
}

export interface LatentSnapshot {
  data: Float32Array;
  channels: number;
  height: number;
  width: number;
}

export interface GenerateOptions {
  onProgress?: (event: ProgressEvent) => void;
  signal?: AbortSignal;
}

export interface PhaseTimings {
  totalMs: number;
  textEncoderMs: number;
  /** Wall time of each denoising step (UNet run + guidance + scheduler step). */
  stepMs: number[];
  /** Time inside each UNet `run` call. */
  unetMs: number[];
  vaeEncodeMs: number;
  vaeDecodeMs: number;
  /** Image decode/resize and encode with sharp. */
  imageIoMs: number;
  /** Sum of the time spent inside onnxruntime `run` calls. */
  ortMs: number;
  /**
   * Optional features' own cost, by name: `self_attention` (mask, blur and the degraded UNet runs),
   * `panorama_blend` (window copies and averaging), `highres_base` / `highres_upscale` /
   * `highres_refine` (the passes of a highres fix: base and refine are whole pipeline runs whose
   * phases are also summed into the fields above), `multi_lingual`, `enhance_prompt`.
   */
  phasesMs: Record<string, number>;
}

/** What the prompt went through before encoding (multi_lingual, enhance_prompt). */
export interface PromptReport {
  /** As the request gave it. */
  original: string;
  /** What the text encoder received. */
  used: string;
  /** With multiLingual: the detected language (ISO 639-1), or null when detection gave nothing. */
  detectedLanguage?: string | null;
  /** With multiLingual: whether a translation was applied, and the English prompt. */
  translated?: boolean;
  translatedPrompt?: string;
  /** With multiLingual: the negative prompt in English, when the dictionary knew any of its words. */
  translatedNegativePrompt?: string;
  /** Words the dictionary did not know (left as they were). */
  untranslatedWords?: string[];
  /** With enhancePrompt: the enhanced prompt. */
  enhancedPrompt?: string;
  /** What was done, in one sentence (for the response meta). */
  note?: string;
}

export interface GenerateResult {
  images: Buffer[];
  format: OutputFormat;
  mimeType: string;
  seeds: number[];
  width: number;
  height: number;
  steps: number;
  /** The canonical diffusers scheduler class name used. */
  scheduler: string;
  guidanceScale: number;
  /** A1111 token count of the prompt (75 per chunk). */
  promptTokens: number;
  timings: PhaseTimings;
  /** Present when the request named LoRAs or embeddings: what was merged, and every LoRA key that was not. */
  adapters?: AdapterReport;
  /** Present when `returnPixels`: float32 NCHW [samples, 3, height, width] in [0, 1]. */
  pixels?: Float32Array;
  /** Present when multiLingual or enhancePrompt was asked. */
  prompt?: PromptReport;
  /** Present when highresFix was asked. */
  highresFix?: { baseWidth: number; baseHeight: number; strength: number; upscaler: string; applied: boolean };
  /** Present when panorama was asked: windows per step, window side and stride (latent cells). */
  panorama?: { windows: number; window: number; stride: number };
  /** Present when selfAttention was asked. */
  selfAttention?: { scale: number };
  /** Present when `returnLatents`: float32 [samples, C, h, w]. */
  latents?: Float32Array;
  /** Present when a refiner ran: the model and the fraction of the schedule the base did. */
  refiner?: { model: string; switchAt: number; baseSteps: number; refinerSteps: number };
}

/** Request limits (API.md: 1–4 samples, 1–50 steps, ≤ 1024×768 or 768×1024). */
export interface PipelineLimits {
  maxSide: number;
  maxPixels: number;
  minSide: number;
  maxSamples: number;
  maxSteps: number;
  maxGuidance: number;
  /** With panorama: the longest side allowed, and the pixel budget. */
  panoramaMaxSide: number;
  panoramaMaxPixels: number;
}

export const DEFAULT_LIMITS: PipelineLimits = {
  maxSide: 1024,
  maxPixels: 1024 * 768,
  minSide: 8,
  maxSamples: 4,
  maxSteps: 50,
  maxGuidance: 20,
  panoramaMaxSide: 2048,
  panoramaMaxPixels: 2048 * 768,
};
