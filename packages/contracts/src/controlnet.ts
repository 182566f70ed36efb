import type { DiffusionParams, DiffusionResult } from './diffusion';

/**
 * `controlnet` (POST /api/v5/controlnet): a service of its own (stream, pool,
 * proto/easel/controlnet/v1) whose one job kind is a diffusion generation steered by ControlNets.
 */
export const CONTROLNET_SERVICE = 'controlnet';
export const CONTROLNET_KIND = 'controlnet';
export const CONTROLNET_KINDS = [CONTROLNET_KIND] as const;
/** ControlNets one request may combine, and the conditioning scale's ceiling (the engine checks the same). */
export const MAX_CONTROLNETS = 4;
export const MAX_CONDITIONING_SCALE = 5;

/** One ControlNet of a request (`controlnet_model` is a comma list). */
export interface ControlUnitParams {
  /** A model id of category controlnet. */
  model: string;
  /** The hint's type (the preprocessor auto_hint runs): canny, scribble, segmentation... */
  type: string;
  /** `controlnet_conditioning_scale` for this ControlNet. */
  scale: number;
  /** `control_guidance_start` / `_end`; null → 0 / 1. */
  guidanceStart: number | null;
  guidanceEnd: number | null;
}

export interface ControlNetParams {
  kind: typeof CONTROLNET_KIND;
  /** The generation: text2img under control, img2img (init_image and strength sent) or inpaint (mask_image). */
  generation: DiffusionParams;
  controlnets: ControlUnitParams[];
  /** The hint image as the client sent it (URL or base64); null → init_image. */
  controlImage: string | null;
  autoHint: boolean;
  guessMode: boolean;
  /** The generation's `temp`, where the job runner reads every service's (short-lived links). */
  temp: boolean;
  /** The generation's `base64`, where the gateway reads every service's (not on the bus). */
  base64?: boolean;
}

/** A controlnet job's result: the diffusion result (its featureMeta carries the control report). */
export type ControlNetResult = DiffusionResult;
