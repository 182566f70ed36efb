import { kdiffusionX0 } from './base';
import { KDiffusionScheduler, kdiffusionSchedule } from './kdiffusion-base';
import type { NoiseSource, SchedulerConfig } from './scheduler';
import { lincomb } from './tensor';

/** diffusers EulerDiscreteScheduler (s_churn = 0, final_sigmas_type "zero"). */
export class EulerDiscreteScheduler extends KDiffusionScheduler {
  readonly name = 'EulerDiscreteScheduler';

  constructor(config: SchedulerConfig = {}) {
    super(config, {});
  }

  setTimesteps(n: number): void {
    const { timesteps, sigmas } = kdiffusionSchedule(this.config, this.alphasCumprod, n);
    this.timesteps = timesteps;
    this.sigmas = [...sigmas, 0];
    this.resetState();
  }

  step(modelOutput: Float32Array, timestep: number, sample: Float32Array, _noise: NoiseSource): Float32Array {
    const i = this.currentIndex(timestep);
    const sigma = this.sigmas[i];
    const x0 = kdiffusionX0(this.config.prediction_type, sample, modelOutput, sigma);
    const dt = this.sigmas[i + 1] - sigma;
    // x + d·dt with d = (x − x0)/σ
    const prev = lincomb([1 + dt / sigma, sample], [-dt / sigma, x0]);
    this.stepIndex = i + 1;
    return prev;
  }
}
