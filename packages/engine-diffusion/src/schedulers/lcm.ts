import { AlphaScheduler } from './alpha-base';
import { alphaX0 } from './base';
import { BaseConfig } from './config';
import type { NoiseSource, SchedulerConfig } from './scheduler';
import { linspace } from './timesteps';
import { clamp, lincomb } from './tensor';

interface LCMConfig extends BaseConfig {
  original_inference_steps: number;
  clip_sample: boolean;
  clip_sample_range: number;
  set_alpha_to_one: boolean;
  timestep_scaling: number;
}

const SIGMA_DATA = 0.5;

/**
 * diffusers LCMScheduler. Timesteps are picked from the distillation grid
 * (k·N/original_inference_steps − 1, k = 1..original_inference_steps) at floor(linspace) indices;
 * each step returns the consistency-function output c_skip·x + c_out·x0 with the discrete
 * boundary-condition scalings (σ_data = 0.5, t scaled by timestep_scaling), re-noised to the next
 * timestep with fresh noise — except on the last step, which returns the denoised sample.
 */
export class LCMScheduler extends AlphaScheduler<LCMConfig> {
  readonly name = 'LCMScheduler';

  constructor(config: SchedulerConfig = {}) {
    super(config, {
      beta_start: 0.00085,
      beta_end: 0.012,
      beta_schedule: 'scaled_linear',
      timestep_spacing: 'leading',
      original_inference_steps: 50,
      clip_sample: false,
      clip_sample_range: 1,
      set_alpha_to_one: true,
      timestep_scaling: 10,
    });
  }

  setTimesteps(n: number): void {
    const N = this.config.num_train_timesteps;
    const original = this.config.original_inference_steps;
    if (original > N) throw new RangeError(`${this.name}: original_inference_steps ${original} exceeds ${N}`);
    if (n > original) throw new RangeError(`${this.name}: ${n} steps exceed original_inference_steps ${original}`);
    const k = Math.floor(N / original);
    const grid: number[] = [];
    for (let i = original; i >= 1; i--) grid.push(i * k - 1);
    const indices = linspace(0, grid.length, n + 1)
      .slice(0, n)
      .map(Math.floor);
    this.timesteps = indices.map((i) => grid[i]);
    this.stepIndex = null;
    this.beginIndex = null;
  }

  step(modelOutput: Float32Array, timestep: number, sample: Float32Array, noise: NoiseSource): Float32Array {
    this.requireTimesteps();
    const c = this.config;
    const i = this.currentIndex(timestep);
    const last = i === this.timesteps.length - 1;
    const prevT = last ? timestep : this.timesteps[i + 1];
    const a = this.alphasCumprod[timestep];
    const aPrev = this.alphaAt(prevT, c.set_alpha_to_one ? 1 : this.alphasCumprod[0]);
    const scaled = timestep * c.timestep_scaling;
    const cSkip = SIGMA_DATA ** 2 / (scaled ** 2 + SIGMA_DATA ** 2);
    const cOut = scaled / Math.sqrt(scaled ** 2 + SIGMA_DATA ** 2);
    let x0 = alphaX0(c.prediction_type, sample, modelOutput, a);
    if (c.clip_sample) x0 = clamp(x0, -c.clip_sample_range, c.clip_sample_range);
    const denoised = lincomb([cOut, x0], [cSkip, sample]);
    this.stepIndex = i + 1;
    if (last) return denoised;
    return lincomb([Math.sqrt(aPrev), denoised], [Math.sqrt(1 - aPrev), noise.randn(sample.length)]);
  }
}
