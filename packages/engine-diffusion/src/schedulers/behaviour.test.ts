import { createScheduler, DDIMScheduler, EulerDiscreteScheduler, DPMSolverMultistepScheduler, HeunDiscreteScheduler } from './index';
import type { NoiseSource } from './scheduler';
import { alphaSigma } from './sigmas';

const SD15 = {
  beta_start: 0.00085,
  beta_end: 0.012,
  beta_schedule: 'scaled_linear' as const,
  steps_offset: 1,
  timestep_spacing: 'leading' as const,
  set_alpha_to_one: false,
  clip_sample: false,
  skip_prk_steps: true,
};

const noNoise: NoiseSource = {
  randn: () => {
    throw new Error('deterministic scheduler drew noise');
  },
};

const ones = (n: number, v = 1): Float32Array => new Float32Array(n).fill(v);

describe('addNoise', () => {
  it('Euler adds σ·ε at the timestep’s sigma (x0 + σε)', () => {
    const s = new EulerDiscreteScheduler(SD15);
    s.setTimesteps(10);
    const out = s.addNoise(ones(4, 0.5), ones(4, 2), s.timesteps[3]);
    expect(out[0]).toBeCloseTo(0.5 + 2 * s.sigmas[3], 5);
  });

  it('DDIM uses sqrt(ᾱ)·x0 + sqrt(1−ᾱ)·ε', () => {
    const s = new DDIMScheduler(SD15);
    s.setTimesteps(10);
    const t = s.timesteps[2];
    const a = s.alphasCumprod[t];
    expect(s.addNoise(ones(2, 0.5), ones(2, 2), t)[1]).toBeCloseTo(Math.sqrt(a) * 0.5 + Math.sqrt(1 - a) * 2, 6);
  });

  it('DPM++ 2M agrees with DDIM’s forward process at the same timestep', () => {
    const dpm = new DPMSolverMultistepScheduler(SD15);
    dpm.setTimesteps(10);
    const ddim = new DDIMScheduler(SD15);
    const t = dpm.timesteps[4];
    const { alpha, sigma } = alphaSigma(dpm.sigmas[4]);
    const a = ddim.alphasCumprod[t];
    expect(alpha).toBeCloseTo(Math.sqrt(a), 6);
    expect(sigma).toBeCloseTo(Math.sqrt(1 - a), 6);
    expect(dpm.addNoise(ones(1, 1), ones(1, 1), t)[0]).toBeCloseTo(ddim.addNoise(ones(1, 1), ones(1, 1), t)[0], 5);
  });
});

describe('setBeginIndex (img2img)', () => {
  it('Euler: starts stepping from sigmas[begin] even with a repeated lookup', () => {
    const s = new EulerDiscreteScheduler(SD15);
    s.setTimesteps(10);
    s.setBeginIndex(6);
    const x = ones(4);
    const t = s.timesteps[6];
    const scaled = s.scaleModelInput(x, t);
    expect(scaled[0]).toBeCloseTo(1 / Math.sqrt(s.sigmas[6] ** 2 + 1), 6);
    // ε = 0 → x0 = x, so the Euler step keeps x.
    expect(s.step(new Float32Array(4), t, x, noNoise)[0]).toBeCloseTo(1, 6);
  });

  it('DPM++ 2M: a full run from the middle ends on the x0 estimate', () => {
    const s = createScheduler('DPM++ 2M', SD15);
    s.setTimesteps(20);
    s.setBeginIndex(10);
    let x = ones(8);
    for (const t of s.timesteps.slice(10)) x = s.step(new Float32Array(8), t, s.scaleModelInput(x, t), noNoise);
    // with ε ≡ 0 the x0 estimate at σ is x/α; so the result is x/α(σ_10)·… — finite and positive
    expect(Number.isFinite(x[0])).toBe(true);
    expect(x[0]).toBeGreaterThan(1);
  });

  it('rejects indices outside the schedule', () => {
    const s = createScheduler('DDIM', SD15);
    s.setTimesteps(10);
    expect(() => s.setBeginIndex(10)).toThrow(RangeError);
    expect(() => s.setBeginIndex(-1)).toThrow(RangeError);
  });
});

describe('schedule shapes', () => {
  it('Heun repeats every timestep but the first and has order 2', () => {
    const s = new HeunDiscreteScheduler(SD15);
    s.setTimesteps(5);
    expect(s.order).toBe(2);
    expect(s.timesteps).toEqual([801, 601, 601, 401, 401, 201, 201, 1, 1]);
  });

  it('PNDM (skip_prk_steps) duplicates the second-to-last spaced timestep', () => {
    const s = createScheduler('PNDM', SD15);
    s.setTimesteps(10);
    expect(s.timesteps).toEqual([901, 801, 801, 701, 601, 501, 401, 301, 201, 101, 1]);
  });

  it('PNDM runs a single step, with or without skip_prk_steps, to a finite sample', () => {
    for (const skip of [true, false]) {
      const s = createScheduler('PNDM', { ...SD15, skip_prk_steps: skip });
      s.setTimesteps(1);
      expect(s.timesteps).toEqual([1]);
      const out = s.step(ones(4, 0.1), s.timesteps[0], ones(4, 0.5), noNoise);
      expect(Array.from(out).every(Number.isFinite)).toBe(true);
    }
  });

  it('DPM++ 2M Karras timesteps are integers spanning the training range', () => {
    const s = createScheduler('DPM++ 2M Karras', SD15);
    s.setTimesteps(25);
    expect(s.timesteps[0]).toBe(999);
    expect(s.timesteps.every(Number.isInteger)).toBe(true);
    expect(s.initNoiseSigma).toBe(1);
  });

  it('LCM picks from the original 50-step grid', () => {
    const s = createScheduler('LCM', {});
    s.setTimesteps(4);
    expect(s.timesteps).toEqual([999, 759, 499, 259]);
  });

  it('needs setTimesteps before stepping', () => {
    const s = createScheduler('DPM++ 2M', SD15);
    expect(() => s.step(ones(1), 999, ones(1), noNoise)).toThrow(/setTimesteps/);
  });
});
