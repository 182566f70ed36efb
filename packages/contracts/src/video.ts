/**
 * `video` (v6 text2video and img2video): a service of its own (stream, pool,
 * proto/easel/video/v1) whose clips come from a motion-module UNet over an image model.
 */
export const VIDEO_SERVICE = 'video';
export const TEXT2VIDEO_KIND = 'text2video';
export const IMG2VIDEO_KIND = 'img2video';
export const VIDEO_KINDS = [TEXT2VIDEO_KIND, IMG2VIDEO_KIND] as const;
export type VideoKind = (typeof VIDEO_KINDS)[number];
/** The model category of motion models (their folder names the image model they extend). */
export const VIDEO_CATEGORY = 'video';
export const VIDEO_OUTPUT_TYPES = ['mp4', 'gif'] as const;
export type VideoOutputType = (typeof VIDEO_OUTPUT_TYPES)[number];
export const VIDEO_EXTENSIONS: Record<VideoOutputType, string> = { mp4: 'mp4', gif: 'gif' };

/** The API's limits (../shared/API.md "Video (v6)"). */
export const VIDEO_LIMITS = {
  numFrames: { min: 2, max: 25, default: 16 },
  fps: { min: 1, max: 30, default: 8 },
  img2videoFps: { max: 16 },
  side: { min: 64, max: 512 },
  steps: { min: 1, max: 50, default: 20 },
  guidanceScale: { min: 0, max: 8, default: 7.5 },
  minGuidanceScale: { default: 1 },
  maxGuidanceScale: { default: 3 },
  motionBucketId: { min: 1, max: 255, default: 127 },
  noiseAugStrength: { min: 0, max: 1, default: 0.02 },
  clipSkip: { min: 1, max: 2 },
} as const;

/** Credits per frame at the model's native size (128×128); larger frames cost their area's share more. */
export const VIDEO_CREDITS_PER_FRAME = 0.05;

export interface VideoParams {
  kind: VideoKind;
  prompt: string;
  negativePrompt: string;
  modelId: string | null;
  numFrames: number;
  fps: number;
  width: number;
  height: number;
  steps: number;
  guidanceScale: number;
  minGuidanceScale: number;
  maxGuidanceScale: number;
  seed: number;
  /** img2video: an http(s) URL or base64, as the client sent it; the worker fetches/decodes. */
  initImage: string | null;
  motionBucketId: number;
  noiseAugStrength: number;
  outputType: VideoOutputType;
  clipSkip: number;
  base64: boolean;
  temp: boolean;
}

export interface VideoResult {
  modelId: string;
  numFrames: number;
  fps: number;
  width: number;
  height: number;
  seed: number;
  outputType: VideoOutputType;
  generationTime: number;
  timings: Record<string, number>;
}
