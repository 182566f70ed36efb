import { kdiffusionX0 } from './base';
import { KDiffusionScheduler, kdiffusionSchedule } from './kdiffusion-base';
import type { NoiseSource, SchedulerConfig } from './scheduler';
import { lincomb } from './tensor';

/** diffusers EulerAncestralDiscreteScheduler: Euler step to σ_down, then σ_up fresh noise (drawn every step). */
export class EulerAncestralDiscreteScheduler extends KDiffusionScheduler {
  readonly name = 'EulerAncestralDiscreteScheduler';

  constructor(config: SchedulerConfig = {}) {
    // diffusers' EulerAncestral has no Karras option.
    super({ ...config, use_karras_sigmas: false }, {});
  }

  setTimesteps(n: number): void {
    const { timesteps, sigmas } = kdiffusionSchedule(this.config, this.alphasCumprod, n);
    this.timesteps = timesteps;
    this.sigmas = [...sigmas, 0];
    this.resetState();
  }

  step(modelOutput: Float32Array, timestep: number, sample: Float32Array, noise: NoiseSource): Float32Array {
    const i = this.currentIndex(timestep);
    const from = this.sigmas[i];
    const to = this.sigmas[i + 1];
    const x0 = kdiffusionX0(this.config.prediction_type, sample, modelOutput, from);
    const up = Math.sqrt((to * to * (from * from - to * to)) / (from * from));
    const down = Math.sqrt(Math.max(0, to * to - up * up));
    const dt = down - from;
    const eps = noise.randn(sample.length);
    this.stepIndex = i + 1;
    return lincomb([1 + dt / from, sample], [-dt / from, x0], [up, eps]);
  }
}
