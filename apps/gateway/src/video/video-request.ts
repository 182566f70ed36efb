/**
 * The body of a video request → the clip's params (the model resolved later by the definition), or
 * every bad field as a Laravel-style error. Pure, like the other parsers.
 */
import { IMG2VIDEO_KIND, TEXT2VIDEO_KIND, VIDEO_LIMITS, type VideoKind, type VideoParams } from '@easel/contracts';
import type { Parsed } from '../common/request/field-reader';
import { messages } from '../common/request/messages';
import { VIDEO_REQUEST } from './video-fields';

export interface VideoRequest extends Omit<VideoParams, 'seed'> {
  /** null: drawn by the definition (and reported in meta). */
  seed: number | null;
  instantResponse: boolean;
  webhook: string | null;
  trackId: string | number | null;
}

export function parseVideoRequest(kind: VideoKind, body: Record<string, unknown>): Parsed<VideoRequest> {
  const { values: v, fields } = VIDEO_REQUEST.read(body, kind);
  if (kind === TEXT2VIDEO_KIND && !v.prompt && !fields.hasErrors('prompt')) fields.fail('prompt', messages.required('prompt'));
  if (kind === IMG2VIDEO_KIND && v.fps > VIDEO_LIMITS.img2videoFps.max && !fields.hasErrors('fps'))
    fields.fail('fps', `The fps must not be greater than ${VIDEO_LIMITS.img2videoFps.max} for img2video.`);
  if (v.min_guidance_scale > v.max_guidance_scale && !fields.hasErrors('min_guidance_scale'))
    fields.fail('min_guidance_scale', 'The min guidance scale must not be greater than the max guidance scale.');
  if (fields.hasErrors()) return { ok: false, errors: fields.errors };
  return {
    ok: true,
    value: {
      kind,
      prompt: v.prompt ?? '',
      negativePrompt: v.negative_prompt ?? '',
      modelId: v.model_id,
      numFrames: v.num_frames,
      fps: v.fps,
      width: v.width,
      height: v.height,
      steps: v.num_inference_steps,
      guidanceScale: v.guidance_scale,
      minGuidanceScale: v.min_guidance_scale,
      maxGuidanceScale: v.max_guidance_scale,
      seed: v.seed,
      initImage: kind === IMG2VIDEO_KIND ? v.init_image : null,
      motionBucketId: v.motion_bucket_id,
      noiseAugStrength: v.noise_aug_strength,
      outputType: v.output_type,
      clipSkip: v.clip_skip,
      base64: v.base64,
      temp: v.temp,
      instantResponse: v.instant_response,
      webhook: v.webhook,
      trackId: v.track_id,
    },
  };
}
