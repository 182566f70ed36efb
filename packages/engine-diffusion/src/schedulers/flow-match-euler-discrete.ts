import type { NoiseSource, SchedulerConfig } from './scheduler';
import { IndexedScheduler } from './base';
import { withDefaults } from './config';
import { lincomb } from './tensor';

/** diffusers' FlowMatchEulerDiscreteScheduler config keys (and its defaults). */
export interface FlowMatchConfig {
  num_train_timesteps: number;
  shift: number;
  use_dynamic_shifting: boolean;
  base_shift: number;
  max_shift: number;
  base_image_seq_len: number;
  max_image_seq_len: number;
}

const DEFAULTS: FlowMatchConfig = { num_train_timesteps: 1000, shift: 1, use_dynamic_shifting: false, base_shift: 0.5, max_shift: 1.15, base_image_seq_len: 256, max_image_seq_len: 4096 };

/** FluxPipeline's calculate_shift: mu linear in the image's token count, base_shift at base_image_seq_len, max_shift at max_image_seq_len. */
export function dynamicShiftMu(cfg: FlowMatchConfig, imageSeqLen: number): number {
  const m = (cfg.max_shift - cfg.base_shift) / (cfg.max_image_seq_len - cfg.base_image_seq_len);
  return imageSeqLen * m + cfg.base_shift - m * cfg.base_image_seq_len;
}

/**
 * Rectified flow's Euler sampler (Esser et al. 2024; diffusers' FlowMatchEulerDiscreteScheduler):
 * x_σ = (1 − σ)·x0 + σ·ε, the model predicts the velocity ε − x0, x ← x + (σ_next − σ)·v.
 * σ runs from 1 towards 0, shifted toward the noisy end: statically σ' = s·σ/(1 + (s − 1)·σ), or
 * with dynamic shifting (Flux) σ' = e^μ/(e^μ + 1/σ − 1) with μ from the image's token count, over
 * FluxPipeline's σ = linspace(1, 1/n, n). Timesteps are 1000·σ.
 */
export class FlowMatchEulerDiscreteScheduler extends IndexedScheduler {
  readonly name = 'FlowMatchEulerDiscreteScheduler';
  readonly initNoiseSigma = 1;
  readonly config: FlowMatchConfig;
  sigmas: number[] = [];

  /** `imageSeqLen`: the packed latent's token count, which dynamic shifting reads. */
  constructor(config: SchedulerConfig = {}, private readonly imageSeqLen = DEFAULTS.base_image_seq_len) {
    super();
    this.config = withDefaults(config, DEFAULTS);
  }

  private shifted(s: number, mu: number): number {
    if (this.config.use_dynamic_shifting) return Math.exp(mu) / (Math.exp(mu) + (1 / s - 1));
    const k = this.config.shift;
    return (k * s) / (1 + (k - 1) * s);
  }

  setTimesteps(n: number): void {
    const N = this.config.num_train_timesteps;
    const mu = dynamicShiftMu(this.config, this.imageSeqLen);
    // Flux passes linspace(1, 1/n); the class's own default spans its (shifted) training range 1 … shift(1/N)
    const last = this.config.use_dynamic_shifting ? 1 / n : this.shifted(1 / N, mu);
    const base = Array.from({ length: n }, (_, i) => (n === 1 ? 1 : 1 + (i * (last - 1)) / (n - 1)));
    const sigmas = base.map((s) => Math.fround(this.shifted(s, mu)));
    this.timesteps = sigmas.map((s) => Math.fround(s * N));
    this.sigmas = [...sigmas, 0];
    this.stepIndex = null;
    this.beginIndex = null;
  }

  scaleModelInput(sample: Float32Array): Float32Array {
    return sample;
  }

  step(modelOutput: Float32Array, timestep: number, sample: Float32Array, _noise: NoiseSource): Float32Array {
    const i = this.currentIndex(timestep);
    this.stepIndex = i + 1;
    return lincomb([1, sample], [this.sigmas[i + 1] - this.sigmas[i], modelOutput]);
  }

  /** diffusers' scale_noise: the flow's straight path σ·ε + (1 − σ)·x0. */
  addNoise(original: Float32Array, noise: Float32Array, timestep: number): Float32Array {
    this.requireTimesteps();
    const sigma = this.sigmas[this.addNoiseIndex(timestep)];
    return lincomb([1 - sigma, original], [sigma, noise]);
  }
}
