import { IndexedScheduler } from './base';
import { sigmaSafeAlphasCumprod } from './betas';
import { BASE_DEFAULTS, BaseConfig, withDefaults } from './config';
import type { SchedulerConfig } from './scheduler';
import { alphaSigma, interpOnGrid, karrasSigmas, sigmaToT, trainingSigmas } from './sigmas';
import { multistepTimesteps } from './timesteps';
import { lincomb } from './tensor';

export interface MultistepConfig extends BaseConfig {
  solver_order: number;
  lower_order_final: boolean;
  use_karras_sigmas: boolean;
  /** "zero" (diffusers' default for DPM-Solver/UniPC) or "sigma_min". */
  final_sigmas_type: 'zero' | 'sigma_min';
}

/**
 * DPM-Solver/UniPC/DEIS schedule. Karras spans the full training range (σ(999)..σ(0)) and its
 * timesteps are rounded to integers; the appended last σ is 0 for final_sigmas_type "zero",
 * else σ_min (σ of t=0, or the last Karras σ).
 */
export function multistepSchedule(cfg: MultistepConfig, ac: Float64Array, n: number): { timesteps: number[]; sigmas: number[] } {
  const train = trainingSigmas(ac);
  const logSigmas = train.map(Math.log);
  if (cfg.use_karras_sigmas) {
    const sigmas = karrasSigmas(train[0], train[train.length - 1], n);
    const timesteps = sigmas.map((s) => Math.round(sigmaToT(s, logSigmas)));
    const last = cfg.final_sigmas_type === 'zero' ? 0 : sigmas[sigmas.length - 1];
    return { timesteps, sigmas: [...sigmas, last] };
  }
  const timesteps = multistepTimesteps(cfg.timestep_spacing, cfg.num_train_timesteps, n, cfg.steps_offset);
  const sigmas = timesteps.map((t) => interpOnGrid(t, train));
  const last = cfg.final_sigmas_type === 'zero' ? 0 : train[0];
  return { timesteps, sigmas: [...sigmas, last] };
}

/** Base for the VP-space solvers: identity input scaling, x_t = α_t·x0 + σ_t·ε. */
export abstract class MultistepScheduler<C extends MultistepConfig> extends IndexedScheduler {
  readonly config: C;
  protected readonly alphasCumprod: Float64Array;
  sigmas: number[] = [];
  readonly initNoiseSigma = 1;

  constructor(config: SchedulerConfig, defaults: Partial<C>) {
    super();
    this.config = withDefaults(config, {
      ...BASE_DEFAULTS,
      solver_order: 2,
      lower_order_final: true,
      use_karras_sigmas: false,
      final_sigmas_type: 'zero',
      ...defaults,
    } as C);
    this.alphasCumprod = sigmaSafeAlphasCumprod(this.config);
  }

  /** diffusers: a timestep not in the schedule maps to the last step. */
  protected override missingTimestepIndex(): number {
    return this.timesteps.length - 1;
  }

  scaleModelInput(sample: Float32Array, _timestep: number): Float32Array {
    return sample;
  }

  addNoise(original: Float32Array, noise: Float32Array, timestep: number): Float32Array {
    this.requireTimesteps();
    const { alpha, sigma } = alphaSigma(this.sigmas[this.addNoiseIndex(timestep)]);
    return lincomb([alpha, original], [sigma, noise]);
  }

  /** Model output → x0 prediction (dpmsolver++ / UniPC predict_x0 / DEIS's intermediate). */
  protected toX0(modelOutput: Float32Array, sample: Float32Array, sigmaK: number): Float32Array {
    const { alpha, sigma } = alphaSigma(sigmaK);
    switch (this.config.prediction_type) {
      case 'epsilon':
        return lincomb([1 / alpha, sample], [-sigma / alpha, modelOutput]);
      case 'v_prediction':
        return lincomb([alpha, sample], [-sigma, modelOutput]);
      default:
        return modelOutput;
    }
  }
}
