import { InvalidRequestError } from '@easel/engine-diffusion';

/** One clip to generate. img2video is the same request with `initImage` set. */
export interface VideoRequest {
  prompt: string;
  negativePrompt?: string;
  numFrames: number;
  /** Pixels; multiples of 8. */
  width: number;
  height: number;
  steps: number;
  /** text2video: the classifier-free guidance scale of every frame (≤ 1: no guidance). */
  guidanceScale: number;
  /** img2video: per-frame guidance from `minGuidanceScale` (first frame) to `maxGuidanceScale` (last), as Stable Video Diffusion. */
  minGuidanceScale?: number;
  maxGuidanceScale?: number;
  seed: number;
  /** img2video: the first frame (any image sharp reads); resized to width × height. */
  initImage?: Buffer;
  /** The share of the model's trained motion the clip shows, in (0, 1] (img2video's motion_bucket_id / 127): less is slower. */
  motionSpan?: number;
  /** img2video: the std of Gaussian noise added to the first frame (pixels in [−1, 1]) before it is encoded, as SVD's noise_aug_strength. */
  noiseAugStrength?: number;
  /** A scheduler name of @easel/engine-diffusion (default: the base model's scheduler_config). */
  scheduler?: string;
  clipSkip?: number;
}

export interface VideoLimits {
  maxFrames: number;
  maxSide: number;
  maxSteps: number;
}

export const DEFAULT_VIDEO_LIMITS: VideoLimits = { maxFrames: 25, maxSide: 512, maxSteps: 50 };

const invalid = (field: string, message: string): never => {
  throw new InvalidRequestError('invalid_parameter', field, message);
};

/** The engine's own checks (the gateway checks first, in the API's words). */
export function validateVideoRequest(r: VideoRequest, limits: VideoLimits = DEFAULT_VIDEO_LIMITS): void {
  if (!Number.isInteger(r.numFrames) || r.numFrames < 2 || r.numFrames > limits.maxFrames) invalid('num_frames', `num_frames must be an integer from 2 to ${limits.maxFrames}.`);
  for (const [field, v] of [['width', r.width], ['height', r.height]] as const)
    if (!Number.isInteger(v) || v < 64 || v > limits.maxSide || v % 8 !== 0) invalid(field, `${field} must be a multiple of 8 from 64 to ${limits.maxSide}.`);
  if (!Number.isInteger(r.steps) || r.steps < 1 || r.steps > limits.maxSteps) invalid('num_inference_steps', `num_inference_steps must be an integer from 1 to ${limits.maxSteps}.`);
  if (r.motionSpan !== undefined && !(r.motionSpan > 0 && r.motionSpan <= 1)) invalid('motion_bucket_id', 'motion_bucket_id must be from 1 to 255.');
  if (r.noiseAugStrength !== undefined && !(r.noiseAugStrength >= 0 && r.noiseAugStrength <= 1)) invalid('noise_aug_strength', 'noise_aug_strength must be from 0 to 1.');
}
