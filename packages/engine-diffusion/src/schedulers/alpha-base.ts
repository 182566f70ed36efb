import { IndexedScheduler } from './base';
import { alphasCumprod } from './betas';
import { BASE_DEFAULTS, BaseConfig, withDefaults } from './config';
import type { SchedulerConfig } from './scheduler';
import { lincomb } from './tensor';

/** Base of the ᾱ-space schedulers (DDIM, DDPM, PNDM, LCM): integer timesteps, unscaled model input. */
export abstract class AlphaScheduler<C extends BaseConfig> extends IndexedScheduler {
  readonly config: C;
  readonly alphasCumprod: Float64Array;
  readonly initNoiseSigma = 1;

  constructor(config: SchedulerConfig, defaults: Partial<C>) {
    super();
    this.config = withDefaults(config, { ...BASE_DEFAULTS, ...defaults } as C);
    this.alphasCumprod = alphasCumprod(this.config);
  }

  protected alphaAt(t: number, fallback: number): number {
    return t >= 0 ? this.alphasCumprod[Math.round(t)] : fallback;
  }

  scaleModelInput(sample: Float32Array, _timestep: number): Float32Array {
    return sample;
  }

  /** q(x_t | x_0) = sqrt(ᾱ_t)·x0 + sqrt(1 − ᾱ_t)·ε at the given training timestep. */
  addNoise(original: Float32Array, noise: Float32Array, timestep: number): Float32Array {
    const a = this.alphasCumprod[Math.round(timestep)];
    return lincomb([Math.sqrt(a), original], [Math.sqrt(1 - a), noise]);
  }
}
