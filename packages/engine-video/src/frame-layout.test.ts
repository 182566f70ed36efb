import { toChannelMajor, toFrameMajor } from './frame-layout';
import { frameGuidanceScales } from './frame-guidance';

describe('frame layout', () => {
  it('frame-major → [C, F, plane] puts frame f, channel c where the motion UNet reads it, and back', () => {
    const F = 3;
    const C = 2;
    const plane = 4;
    // value = 100·f + 10·c + i
    const frameMajor = Float32Array.from({ length: F * C * plane }, (_, k) => {
      const f = Math.floor(k / (C * plane));
      const c = Math.floor((k % (C * plane)) / plane);
      return 100 * f + 10 * c + (k % plane);
    });
    const out = new Float32Array(2 * F * C * plane).fill(-1);
    toChannelMajor(frameMajor, F, C, plane, out, F * C * plane);
    expect(Array.from(out.subarray(0, F * C * plane)).every((v) => v === -1)).toBe(true);
    // channel 1 of frame 2, cell 3, in the second batch row
    expect(out[F * C * plane + (1 * F + 2) * plane + 3]).toBe(213);
    expect(Array.from(toFrameMajor(out, F, C, plane, F * C * plane))).toEqual(Array.from(frameMajor));
  });
});

describe('per-frame guidance', () => {
  it('text2video: one scale; img2video: min on the first frame rising to max on the last', () => {
    expect(frameGuidanceScales(4, 7.5, 7.5)).toEqual([7.5, 7.5, 7.5, 7.5]);
    expect(frameGuidanceScales(5, 1, 3)).toEqual([1, 1.5, 2, 2.5, 3]);
  });
});
