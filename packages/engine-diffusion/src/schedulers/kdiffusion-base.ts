import { IndexedScheduler } from './base';
import { sigmaSafeAlphasCumprod } from './betas';
import { BASE_DEFAULTS, BaseConfig, withDefaults } from './config';
import type { SchedulerConfig } from './scheduler';
import { interpOnGrid, karrasSigmas, sigmaToT, trainingSigmas } from './sigmas';
import { kdiffusionTimesteps } from './timesteps';
import { lincomb } from './tensor';

export interface KDiffusionConfig extends BaseConfig {
  use_karras_sigmas: boolean;
}

/** Spaced timesteps and their interpolated sigmas (no final 0 yet); Karras re-derives timesteps from sigmas. */
export function kdiffusionSchedule(
  cfg: KDiffusionConfig,
  ac: Float64Array,
  n: number,
): { timesteps: number[]; sigmas: number[]; logSigmas: Float64Array } {
  const train = trainingSigmas(ac);
  const logSigmas = train.map(Math.log);
  // diffusers keeps these timesteps as float32 (and interpolates sigmas at the float32 values).
  let timesteps = kdiffusionTimesteps(cfg.timestep_spacing, cfg.num_train_timesteps, n, cfg.steps_offset).map(Math.fround);
  let sigmas = timesteps.map((t) => interpOnGrid(t, train));
  if (cfg.use_karras_sigmas) {
    // Karras spans the *interpolated* schedule's ends (diffusers' Euler/LMS/Heun/KDPM2).
    sigmas = karrasSigmas(sigmas[sigmas.length - 1], sigmas[0], n);
    timesteps = sigmas.map((s) => Math.fround(sigmaToT(s, logSigmas)));
  }
  return { timesteps, sigmas, logSigmas };
}

/** Base of the σ-space (k-diffusion) schedulers: x = x0 + σ·ε, model input scaled by 1/sqrt(σ²+1). */
export abstract class KDiffusionScheduler<C extends KDiffusionConfig = KDiffusionConfig> extends IndexedScheduler {
  readonly config: C;
  protected readonly alphasCumprod: Float64Array;
  sigmas: number[] = [];

  constructor(config: SchedulerConfig, defaults: Partial<C>) {
    super();
    this.config = withDefaults(config, { ...BASE_DEFAULTS, use_karras_sigmas: false, ...defaults } as C);
    this.alphasCumprod = sigmaSafeAlphasCumprod(this.config);
  }

  /** σ_max for linspace/trailing spacing, else sqrt(σ_max²+1) (diffusers' init_noise_sigma). */
  get initNoiseSigma(): number {
    if (this.sigmas.length === 0) return 1;
    const max = Math.max(...this.sigmas);
    return this.config.timestep_spacing === 'leading' ? Math.sqrt(max * max + 1) : max;
  }

  protected resetState(): void {
    this.stepIndex = null;
    this.beginIndex = null;
  }

  /** The σ the model sees at the current step (KDPM2 overrides for its midpoint evaluations). */
  protected inputSigma(index: number): number {
    return this.sigmas[index];
  }

  scaleModelInput(sample: Float32Array, timestep: number): Float32Array {
    this.requireTimesteps();
    const sigma = this.inputSigma(this.currentIndex(timestep));
    return lincomb([1 / Math.sqrt(sigma * sigma + 1), sample]);
  }

  addNoise(original: Float32Array, noise: Float32Array, timestep: number): Float32Array {
    this.requireTimesteps();
    const sigma = this.sigmas[this.addNoiseIndex(timestep)];
    return lincomb([1, original], [sigma, noise]);
  }
}
