/** Gaussian noise source for stochastic schedulers; the pipeline supplies it so seeds stay reproducible. */
export interface NoiseSource {
  /** `length` standard-normal samples laid out like the latents (batch-major, NCHW). */
  randn(length: number): Float32Array;
}

/** The diffusers `scheduler_config.json` keys the schedulers read (all optional; diffusers' defaults apply). */
export interface SchedulerConfig {
  num_train_timesteps?: number;
  beta_start?: number;
  beta_end?: number;
  beta_schedule?: 'linear' | 'scaled_linear' | 'squaredcos_cap_v2';
  trained_betas?: number[] | null;
  prediction_type?: 'epsilon' | 'v_prediction' | 'sample';
  timestep_spacing?: 'leading' | 'trailing' | 'linspace';
  steps_offset?: number;
  set_alpha_to_one?: boolean;
  clip_sample?: boolean;
  clip_sample_range?: number;
  skip_prk_steps?: boolean;
  rescale_betas_zero_snr?: boolean;
  [key: string]: unknown;
}

/**
 * One sampling algorithm, diffusers-style: `setTimesteps` once per run, then for each
 * `t` of `timesteps`: `scaleModelInput`, the UNet call, `step`. Instances are stateful
 * (multistep history), so create one per generation.
 */
export interface Scheduler {
  /** The diffusers class name, e.g. `DPMSolverMultistepScheduler`. */
  readonly name: string;
  /** Multiply the initial unit-variance noise by this (sigma_max for the k-diffusion family, 1 otherwise). */
  readonly initNoiseSigma: number;
  /** 2 for Heun/KDPM2-style schedulers whose `timesteps` repeat each step, else 1. */
  readonly order: number;
  /** The model timesteps, filled by `setTimesteps` (may be fractional for some schedulers). */
  readonly timesteps: number[];
  setTimesteps(numInferenceSteps: number): void;
  /** For img2img: start sampling at this index into `timesteps` (diffusers' `set_begin_index`). */
  setBeginIndex(index: number): void;
  scaleModelInput(sample: Float32Array, timestep: number): Float32Array;
  /** Returns the previous (less noisy) sample. `noise` is used only by stochastic schedulers. */
  step(modelOutput: Float32Array, timestep: number, sample: Float32Array, noise: NoiseSource): Float32Array;
  /** Noise a clean latent to `timestep` (img2img, inpaint latent blending). */
  addNoise(original: Float32Array, noise: Float32Array, timestep: number): Float32Array;
}
