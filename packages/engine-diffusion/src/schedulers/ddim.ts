import { AlphaScheduler } from './alpha-base';
import { alphaX0 } from './base';
import { BaseConfig } from './config';
import type { NoiseSource, SchedulerConfig } from './scheduler';
import { discreteTimesteps } from './timesteps';
import { clamp, lincomb } from './tensor';

interface DDIMConfig extends BaseConfig {
  clip_sample: boolean;
  clip_sample_range: number;
  set_alpha_to_one: boolean;
  /** Not a diffusers config key (it is a `step` argument there); 0 = deterministic DDIM. */
  eta: number;
}

/**
 * diffusers DDIMScheduler. The previous timestep is t − N/n (diffusers' formula, even for
 * trailing spacing); past t=0 it uses ᾱ = 1 (set_alpha_to_one) or ᾱ_0. Stateless: with
 * setBeginIndex the pipeline simply starts at timesteps[index].
 */
export class DDIMScheduler extends AlphaScheduler<DDIMConfig> {
  readonly name = 'DDIMScheduler';
  private numInferenceSteps = 0;

  constructor(config: SchedulerConfig = {}) {
    super(config, { timestep_spacing: 'leading', clip_sample: true, clip_sample_range: 1, set_alpha_to_one: true, eta: 0 });
  }

  private get finalAlpha(): number {
    return this.config.set_alpha_to_one ? 1 : this.alphasCumprod[0];
  }

  setTimesteps(n: number): void {
    const c = this.config;
    this.timesteps = discreteTimesteps(c.timestep_spacing, c.num_train_timesteps, n, c.steps_offset);
    this.numInferenceSteps = n;
    this.stepIndex = null;
    this.beginIndex = null;
  }

  step(modelOutput: Float32Array, timestep: number, sample: Float32Array, noise: NoiseSource): Float32Array {
    this.requireTimesteps();
    const c = this.config;
    const prevT = timestep - Math.floor(c.num_train_timesteps / this.numInferenceSteps);
    const a = this.alphasCumprod[Math.round(timestep)];
    const aPrev = this.alphaAt(prevT, this.finalAlpha);
    let x0 = alphaX0(c.prediction_type, sample, modelOutput, a);
    // ε consistent with x0 and x_t (diffusers recomputes it for `sample`, uses the raw output for epsilon).
    const eps =
      c.prediction_type === 'epsilon'
        ? modelOutput
        : c.prediction_type === 'v_prediction'
          ? lincomb([Math.sqrt(a), modelOutput], [Math.sqrt(1 - a), sample])
          : lincomb([1 / Math.sqrt(1 - a), sample], [-Math.sqrt(a) / Math.sqrt(1 - a), x0]);
    if (c.clip_sample) x0 = clamp(x0, -c.clip_sample_range, c.clip_sample_range);
    const variance = ((1 - aPrev) / (1 - a)) * (1 - a / aPrev);
    const std = c.eta * Math.sqrt(variance);
    const terms: Array<[number, Float32Array]> = [
      [Math.sqrt(aPrev), x0],
      [Math.sqrt(Math.max(0, 1 - aPrev - std * std)), eps],
    ];
    if (c.eta > 0) terms.push([std, noise.randn(sample.length)]);
    return lincomb(...terms);
  }
}
