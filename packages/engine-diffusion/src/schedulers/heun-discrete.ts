import { kdiffusionX0 } from './base';
import { KDiffusionConfig, KDiffusionScheduler, kdiffusionSchedule } from './kdiffusion-base';
import type { NoiseSource, SchedulerConfig } from './scheduler';
import { clamp, lincomb } from './tensor';

interface HeunConfig extends KDiffusionConfig {
  clip_sample: boolean;
  clip_sample_range: number;
}

/**
 * diffusers HeunDiscreteScheduler. `timesteps` repeats every step but the first
 * ([t0, t1, t1, t2, t2, …]) and sigmas likewise ([σ0, σ1, σ1, …, σ_{n−1}, σ_{n−1}, 0]): odd calls
 * are the Euler predictor, even calls the trapezoid correction. The final step (to σ=0) is a
 * plain Euler step, as in diffusers.
 */
export class HeunDiscreteScheduler extends KDiffusionScheduler<HeunConfig> {
  readonly name = 'HeunDiscreteScheduler';
  override order = 2;
  private prevDerivative: Float32Array | null = null;
  private dt: number | null = null;
  private firstSample: Float32Array | null = null;

  constructor(config: SchedulerConfig = {}) {
    super(config, { beta_start: 0.00085, beta_end: 0.012, clip_sample: false, clip_sample_range: 1 });
  }

  setTimesteps(n: number): void {
    const { timesteps, sigmas } = kdiffusionSchedule(this.config, this.alphasCumprod, n);
    const all = [...sigmas, 0];
    this.sigmas = [all[0], ...all.slice(1, -1).flatMap((s) => [s, s]), all[all.length - 1]];
    this.timesteps = [timesteps[0], ...timesteps.slice(1).flatMap((t) => [t, t])];
    this.prevDerivative = null;
    this.dt = null;
    this.firstSample = null;
    this.resetState();
  }

  step(modelOutput: Float32Array, timestep: number, sample: Float32Array, _noise: NoiseSource): Float32Array {
    const i = this.currentIndex(timestep);
    const firstOrder = this.dt === null;
    const sigma = firstOrder ? this.sigmas[i] : this.sigmas[i - 1];
    const sigmaNext = firstOrder ? this.sigmas[i + 1] : this.sigmas[i];
    let x0 = kdiffusionX0(this.config.prediction_type, sample, modelOutput, firstOrder ? sigma : sigmaNext);
    if (this.config.clip_sample) x0 = clamp(x0, -this.config.clip_sample_range, this.config.clip_sample_range);
    let prev: Float32Array;
    if (firstOrder) {
      const d = lincomb([1 / sigma, sample], [-1 / sigma, x0]);
      const dt = sigmaNext - sigma;
      this.prevDerivative = d;
      this.dt = dt;
      this.firstSample = sample;
      prev = lincomb([1, sample], [dt, d]);
    } else {
      const d2 = lincomb([1 / sigmaNext, sample], [-1 / sigmaNext, x0]);
      const dt = this.dt as number;
      prev = lincomb([1, this.firstSample as Float32Array], [dt / 2, this.prevDerivative as Float32Array], [dt / 2, d2]);
      this.prevDerivative = null;
      this.dt = null;
      this.firstSample = null;
    }
    this.stepIndex = i + 1;
    return prev;
  }
}
