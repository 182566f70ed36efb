import { create } from '@bufbuild/protobuf';
import { GenerateRequestSchema, type GenerateRequest } from './gen/easel/video/v1/video_pb';
import { MalformedMessageError } from './malformed-message';
import { defineServiceContract, type JobIdentity } from './service-contract';
import { VIDEO_KINDS, VIDEO_LIMITS, VIDEO_OUTPUT_TYPES, VIDEO_SERVICE, type VideoKind, type VideoOutputType, type VideoParams } from './video';

export function toVideoRequest(p: VideoParams, identity?: Pick<JobIdentity, 'tenantId'>): GenerateRequest {
  return create(GenerateRequestSchema, {
    kind: p.kind,
    prompt: p.prompt,
    negativePrompt: p.negativePrompt,
    modelId: p.modelId ?? undefined,
    numFrames: p.numFrames,
    fps: p.fps,
    width: p.width,
    height: p.height,
    numInferenceSteps: p.steps,
    guidanceScale: p.guidanceScale,
    minGuidanceScale: p.minGuidanceScale,
    maxGuidanceScale: p.maxGuidanceScale,
    seed: BigInt(p.seed),
    initImage: p.initImage ?? undefined,
    motionBucketId: p.motionBucketId,
    noiseAugStrength: p.noiseAugStrength,
    outputType: p.outputType,
    clipSkip: p.clipSkip,
    base64: p.base64,
    temp: p.temp,
    tenantId: identity?.tenantId ?? '',
  });
}

function within(value: number, range: { min: number; max: number }, name: string): number {
  if (!Number.isFinite(value) || value < range.min || value > range.max)
    throw new MalformedMessageError(`video request has ${name} ${value} (${range.min}-${range.max})`);
  return value;
}

/** Throws MalformedMessageError for a request no model should run. */
export function fromVideoRequest(m: GenerateRequest): VideoParams {
  if (!(VIDEO_KINDS as readonly string[]).includes(m.kind)) throw new MalformedMessageError(`video request has kind "${m.kind}"`);
  if (!(VIDEO_OUTPUT_TYPES as readonly string[]).includes(m.outputType)) throw new MalformedMessageError(`video request has output_type "${m.outputType}"`);
  if (m.kind === 'img2video' && !m.initImage) throw new MalformedMessageError('img2video request has no init_image');
  for (const [side, name] of [[m.width, 'width'], [m.height, 'height']] as const) {
    within(side, VIDEO_LIMITS.side, name);
    if (side % 8 !== 0) throw new MalformedMessageError(`video request has ${name} ${side} (a multiple of 8)`);
  }
  return {
    kind: m.kind as VideoKind,
    prompt: m.prompt,
    negativePrompt: m.negativePrompt,
    modelId: m.modelId ?? null,
    numFrames: within(m.numFrames, VIDEO_LIMITS.numFrames, 'num_frames'),
    fps: within(m.fps, VIDEO_LIMITS.fps, 'fps'),
    width: m.width,
    height: m.height,
    steps: within(m.numInferenceSteps, VIDEO_LIMITS.steps, 'num_inference_steps'),
    guidanceScale: within(m.guidanceScale, VIDEO_LIMITS.guidanceScale, 'guidance_scale'),
    minGuidanceScale: within(m.minGuidanceScale, VIDEO_LIMITS.guidanceScale, 'min_guidance_scale'),
    maxGuidanceScale: within(m.maxGuidanceScale, VIDEO_LIMITS.guidanceScale, 'max_guidance_scale'),
    seed: Number(m.seed),
    initImage: m.initImage ?? null,
    motionBucketId: within(m.motionBucketId, VIDEO_LIMITS.motionBucketId, 'motion_bucket_id'),
    noiseAugStrength: within(m.noiseAugStrength, VIDEO_LIMITS.noiseAugStrength, 'noise_aug_strength'),
    outputType: m.outputType as VideoOutputType,
    clipSkip: within(m.clipSkip, VIDEO_LIMITS.clipSkip, 'clip_skip'),
    base64: m.base64,
    temp: m.temp,
  };
}

/** The video service on the bus. */
export const VIDEO_CONTRACT = defineServiceContract({
  name: VIDEO_SERVICE,
  kinds: VIDEO_KINDS,
  requestCase: 'video',
  protoFile: 'easel/video/v1/video.proto',
  toRequest: toVideoRequest,
  fromRequest: fromVideoRequest,
});
