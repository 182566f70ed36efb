import { parseVideoRequest } from './video-request';
import { videoPrice } from './video-pricing';

describe('parseVideoRequest', () => {
  it("reads the docs' defaults and the dialect's tolerant values", () => {
    expect(parseVideoRequest('text2video', { prompt: 'a red circle moving up on a blue background' })).toEqual({
      ok: true,
      value: expect.objectContaining({ kind: 'text2video', numFrames: 16, fps: 8, width: 128, height: 128, steps: 20, guidanceScale: 7.5, seed: null, outputType: 'mp4', initImage: null, instantResponse: false }),
    });
    const parsed = parseVideoRequest('img2video', { init_image: 'https://example.com/a.png', num_frames: '8', fps: '12', seed: '-1', output_type: 'GIF', instant_response: 'yes', motion_bucket_id: '64' });
    expect(parsed).toEqual({
      ok: true,
      value: expect.objectContaining({ kind: 'img2video', prompt: '', numFrames: 8, fps: 12, outputType: 'gif', instantResponse: true, initImage: 'https://example.com/a.png', motionBucketId: 64, minGuidanceScale: 1, maxGuidanceScale: 3 }),
    });
  });

  it('reports every bad field at once, in the dialect’s words', () => {
    const parsed = parseVideoRequest('text2video', { num_frames: 0, width: 130, height: 2048, fps: 0, output_type: 'avi', guidance_scale: -1 });
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    expect(Object.keys(parsed.errors).sort()).toEqual(['fps', 'guidance_scale', 'height', 'num_frames', 'output_type', 'prompt', 'width']);
    expect(parsed.errors.width).toEqual(['The width must be a multiple of 8.']);
  });

  it('img2video: the picture is required, fps at most 16, min guidance not above max', () => {
    const parsed = parseVideoRequest('img2video', { fps: 20, min_guidance_scale: 4, max_guidance_scale: 2 });
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    expect(Object.keys(parsed.errors).sort()).toEqual(['fps', 'init_image', 'min_guidance_scale']);
  });
});

describe('videoPrice', () => {
  it('is 0.05 per 128×128 frame at 20 steps, scaled by pixels and steps', () => {
    expect(videoPrice({ numFrames: 16, width: 128, height: 128, steps: 20 })).toBe(0.8);
    expect(videoPrice({ numFrames: 16, width: 256, height: 128, steps: 10 })).toBe(0.8);
    expect(videoPrice({ numFrames: 25, width: 512, height: 512, steps: 50 })).toBe(50);
  });
});
