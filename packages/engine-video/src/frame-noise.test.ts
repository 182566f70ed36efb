import { SampleNoise } from '@easel/engine-diffusion';
import { frameNoise } from './frame-noise';

const PER_FRAME = 4 * 16 * 16;

/** Pearson correlation of two frames' values. */
function correlation(x: Float32Array, y: Float32Array): number {
  const n = x.length;
  const mean = (v: Float32Array) => v.reduce((s, a) => s + a, 0) / n;
  const mx = mean(x);
  const my = mean(y);
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    sxy += (x[i]! - mx) * (y[i]! - my);
    sxx += (x[i]! - mx) ** 2;
    syy += (y[i]! - my) ** 2;
  }
  return sxy / Math.sqrt(sxx * syy);
}

const frame = (noise: Float32Array, f: number) => noise.subarray(f * PER_FRAME, (f + 1) * PER_FRAME);

describe('frameNoise', () => {
  it('without a shared part gives each frame its own draw: the bytes a plain randn of the clip gives', () => {
    const noise = frameNoise(new SampleNoise(7, 1), 8, PER_FRAME);
    expect(Buffer.from(noise.buffer).equals(Buffer.from(new SampleNoise(7, 1).randn(8 * PER_FRAME).buffer))).toBe(true);
    expect(Math.abs(correlation(frame(noise, 0), frame(noise, 5)))).toBeLessThan(0.1);
  });

  it.each([0.3, 0.5, 0.8])('with %f shared, frames correlate by that much and keep unit variance', (shared) => {
    const noise = frameNoise(new SampleNoise(7, 1), 8, PER_FRAME, shared);
    for (const [f, g] of [[0, 1], [2, 7]] as const) expect(correlation(frame(noise, f), frame(noise, g))).toBeCloseTo(shared, 1);
    const variance = noise.reduce((s, v) => s + v * v, 0) / noise.length;
    expect(variance).toBeGreaterThan(0.93);
    expect(variance).toBeLessThan(1.07);
  });

  it('is the same for the same seed and refuses a share of 1 or more (every frame the same noise)', () => {
    const once = frameNoise(new SampleNoise(3, 1), 4, PER_FRAME, 0.5);
    expect(Buffer.from(once.buffer).equals(Buffer.from(frameNoise(new SampleNoise(3, 1), 4, PER_FRAME, 0.5).buffer))).toBe(true);
    expect(() => frameNoise(new SampleNoise(3, 1), 4, PER_FRAME, 1)).toThrow(/frame_noise_shared/);
  });
});
