import { VIDEO_CREDITS_PER_FRAME, type VideoParams } from '@easel/contracts';

const NATIVE_PIXELS = 128 * 128;
const DEFAULT_STEPS = 20;

/**
 * A frame's share of the price grows with its pixels and the denoising steps, as an image's does:
 * VIDEO_CREDITS_PER_FRAME per 128×128 frame at 20 steps.
 */
export function videoPrice(p: Pick<VideoParams, 'numFrames' | 'width' | 'height' | 'steps'>): number {
  const price = VIDEO_CREDITS_PER_FRAME * p.numFrames * ((p.width * p.height) / NATIVE_PIXELS) * (p.steps / DEFAULT_STEPS);
  return Math.round(price * 10_000) / 10_000;
}

export const VIDEO_PRICING = `${VIDEO_CREDITS_PER_FRAME} credit per frame at 128×128 and 20 steps, scaled by the frame's pixels and the steps (a 16-frame 128×128 clip at 20 steps: ${(VIDEO_CREDITS_PER_FRAME * 16).toFixed(2)}). Held when the job is accepted, captured on success, released on failure.`;
