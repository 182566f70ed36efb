import { AlphaScheduler } from './alpha-base';
import { alphaX0 } from './base';
import { BaseConfig, unsupported } from './config';
import type { NoiseSource, SchedulerConfig } from './scheduler';
import { discreteTimesteps } from './timesteps';
import { clamp, lincomb } from './tensor';

interface DDPMConfig extends BaseConfig {
  clip_sample: boolean;
  clip_sample_range: number;
  variance_type: 'fixed_small' | 'fixed_small_log' | 'fixed_large';
}

/**
 * diffusers DDPMScheduler (posterior mean + fixed variance). The previous timestep is the next
 * entry of `timesteps` (−1 after the last, where ᾱ = 1); noise is drawn whenever t > 0.
 */
export class DDPMScheduler extends AlphaScheduler<DDPMConfig> {
  readonly name = 'DDPMScheduler';

  constructor(config: SchedulerConfig = {}) {
    super(config, { timestep_spacing: 'leading', clip_sample: true, clip_sample_range: 1, variance_type: 'fixed_small' });
    const v = this.config.variance_type;
    if (v !== 'fixed_small' && v !== 'fixed_small_log' && v !== 'fixed_large') throw unsupported(this.name, 'variance_type', v);
  }

  setTimesteps(n: number): void {
    const c = this.config;
    this.timesteps = discreteTimesteps(c.timestep_spacing, c.num_train_timesteps, n, c.steps_offset);
    this.stepIndex = null;
    this.beginIndex = null;
  }

  private previousTimestep(t: number): number {
    const k = this.timesteps.indexOf(t);
    if (k < 0) throw new RangeError(`${this.name}: timestep ${t} is not in the schedule`);
    return k === this.timesteps.length - 1 ? -1 : this.timesteps[k + 1];
  }

  step(modelOutput: Float32Array, timestep: number, sample: Float32Array, noise: NoiseSource): Float32Array {
    this.requireTimesteps();
    const c = this.config;
    const a = this.alphasCumprod[Math.round(timestep)];
    const aPrev = this.alphaAt(this.previousTimestep(timestep), 1);
    const alphaT = a / aPrev;
    const betaT = 1 - alphaT;
    let x0 = alphaX0(c.prediction_type, sample, modelOutput, a);
    if (c.clip_sample) x0 = clamp(x0, -c.clip_sample_range, c.clip_sample_range);
    const terms: Array<[number, Float32Array]> = [
      [(Math.sqrt(aPrev) * betaT) / (1 - a), x0],
      [(Math.sqrt(alphaT) * (1 - aPrev)) / (1 - a), sample],
    ];
    if (timestep > 0) {
      const small = Math.max(((1 - aPrev) / (1 - a)) * betaT, 1e-20);
      let std: number;
      if (c.variance_type === 'fixed_small') std = Math.sqrt(small);
      else if (c.variance_type === 'fixed_small_log') std = Math.exp(0.5 * Math.log(small));
      else std = Math.sqrt(betaT);
      terms.push([std, noise.randn(sample.length)]);
    }
    return lincomb(...terms);
  }
}
