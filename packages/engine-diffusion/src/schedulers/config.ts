import type { SchedulerConfig } from './scheduler';

export type BetaSchedule = 'linear' | 'scaled_linear' | 'squaredcos_cap_v2';
export type PredictionType = 'epsilon' | 'v_prediction' | 'sample';
export type TimestepSpacing = 'leading' | 'trailing' | 'linspace';

/** diffusers' SchedulerMixin defaults shared by every scheduler (each class overrides some). */
export interface BaseConfig {
  num_train_timesteps: number;
  beta_start: number;
  beta_end: number;
  beta_schedule: BetaSchedule;
  trained_betas: number[] | null;
  prediction_type: PredictionType;
  timestep_spacing: TimestepSpacing;
  steps_offset: number;
  /** Lin et al. 2023: rescale the betas so the last timestep has zero SNR (for v-prediction models trained that way). */
  rescale_betas_zero_snr: boolean;
}

export const BASE_DEFAULTS: BaseConfig = {
  num_train_timesteps: 1000,
  beta_start: 0.0001,
  beta_end: 0.02,
  beta_schedule: 'linear',
  trained_betas: null,
  prediction_type: 'epsilon',
  timestep_spacing: 'linspace',
  steps_offset: 0,
  rescale_betas_zero_snr: false,
};

/** diffusers' `from_config`: keys the class knows take the config's value, the rest keep the class default. */
export function withDefaults<D extends object>(config: SchedulerConfig, defaults: D): D {
  const out: Record<string, unknown> = { ...(defaults as Record<string, unknown>) };
  for (const key of Object.keys(defaults)) {
    const value = config[key];
    if (value !== undefined && value !== null) out[key] = value;
  }
  return out as D;
}

export function unsupported(scheduler: string, key: string, value: unknown): Error {
  return new Error(`${scheduler}: ${key}=${JSON.stringify(value)} is not supported`);
}
