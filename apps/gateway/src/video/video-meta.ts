import type { VideoParams, VideoResult } from '@easel/contracts';
import { storedRequest } from '../jobs/job-message';
import type { JobWithArtifacts } from '../jobs/job-responses';
import { isUrl } from '../common/meta-values';

/** `meta` of a finished video job: every parameter used (the seed drawn, the model resolved), then what the engine took. */
export function videoMeta(job: JobWithArtifacts): Record<string, unknown> {
  const p = storedRequest(job).params as unknown as VideoParams;
  const r = job.result as unknown as VideoResult;
  const image2video = p.kind === 'img2video';
  return {
    prompt: p.prompt,
    negative_prompt: p.negativePrompt,
    model_id: r.modelId,
    W: r.width,
    H: r.height,
    num_frames: r.numFrames,
    fps: r.fps,
    num_inference_steps: p.steps,
    ...(image2video
      ? {
          min_guidance_scale: p.minGuidanceScale,
          max_guidance_scale: p.maxGuidanceScale,
          motion_bucket_id: p.motionBucketId,
          noise_aug_strength: p.noiseAugStrength,
          init_image: isUrl(p.initImage) ? p.initImage : null,
        }
      : { guidance_scale: p.guidanceScale }),
    seed: r.seed,
    clip_skip: p.clipSkip,
    output_type: r.outputType,
    duration_seconds: Math.round((r.numFrames / r.fps) * 1000) / 1000,
    generation_time: r.generationTime,
    timings: r.timings,
  };
}
