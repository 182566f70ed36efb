import { unsupported } from './config';
import { MultistepConfig, MultistepScheduler, multistepSchedule } from './multistep-base';
import type { NoiseSource, SchedulerConfig } from './scheduler';
import { alphaSigma, lambdaOf } from './sigmas';
import { lincomb } from './tensor';

export interface DPMSolverMultistepConfig extends MultistepConfig {
  algorithm_type: 'dpmsolver++' | 'sde-dpmsolver++';
  solver_type: 'midpoint';
  euler_at_final: boolean;
}

/**
 * diffusers DPMSolverMultistepScheduler, orders 1–2, data prediction (dpmsolver++) and its SDE
 * variant. `lower_order_final` follows diffusers: the last step is first order when there are
 * < 15 steps or the final σ is 0 (always, with the default final_sigmas_type "zero"); the
 * second-to-last is at most second order when < 15 steps.
 */
export class DPMSolverMultistepScheduler extends MultistepScheduler<DPMSolverMultistepConfig> {
  readonly name = 'DPMSolverMultistepScheduler';
  private modelOutputs: Float32Array[] = [];
  private lowerOrderNums = 0;

  constructor(config: SchedulerConfig = {}) {
    super(config, { algorithm_type: 'dpmsolver++', solver_type: 'midpoint', euler_at_final: false });
    const { algorithm_type, solver_order, solver_type } = this.config;
    if (algorithm_type !== 'dpmsolver++' && algorithm_type !== 'sde-dpmsolver++') throw unsupported(this.name, 'algorithm_type', algorithm_type);
    if (solver_order !== 1 && solver_order !== 2) throw unsupported(this.name, 'solver_order', solver_order);
    if (solver_type !== 'midpoint') throw unsupported(this.name, 'solver_type', solver_type);
  }

  setTimesteps(n: number): void {
    const { timesteps, sigmas } = multistepSchedule(this.config, this.alphasCumprod, n);
    this.timesteps = timesteps;
    this.sigmas = sigmas;
    this.modelOutputs = [];
    this.lowerOrderNums = 0;
    this.stepIndex = null;
    this.beginIndex = null;
  }

  step(modelOutput: Float32Array, timestep: number, sample: Float32Array, noise: NoiseSource): Float32Array {
    this.requireTimesteps();
    const i = this.currentIndex(timestep);
    const len = this.timesteps.length;
    const cfg = this.config;
    const lowerOrderFinal =
      i === len - 1 && (cfg.euler_at_final || (cfg.lower_order_final && len < 15) || cfg.final_sigmas_type === 'zero');

    const x0 = this.toX0(modelOutput, sample, this.sigmas[i]);
    this.modelOutputs.push(x0);
    if (this.modelOutputs.length > cfg.solver_order) this.modelOutputs.shift();
    const sde = cfg.algorithm_type === 'sde-dpmsolver++';
    const eps = sde ? noise.randn(sample.length) : null;

    const useFirst = cfg.solver_order === 1 || this.lowerOrderNums < 1 || lowerOrderFinal;
    const prev = useFirst ? this.firstOrder(i, x0, sample, eps) : this.secondOrder(i, sample, eps);
    if (this.lowerOrderNums < cfg.solver_order) this.lowerOrderNums++;
    this.stepIndex = i + 1;
    return prev;
  }

  private firstOrder(i: number, x0: Float32Array, sample: Float32Array, eps: Float32Array | null): Float32Array {
    const s = alphaSigma(this.sigmas[i]);
    const t = alphaSigma(this.sigmas[i + 1]);
    const h = lambdaOf(this.sigmas[i + 1]) - lambdaOf(this.sigmas[i]);
    if (!eps) return lincomb([t.sigma / s.sigma, sample], [-t.alpha * Math.expm1(-h), x0]);
    const e2h = -Math.expm1(-2 * h);
    return lincomb([(t.sigma / s.sigma) * Math.exp(-h), sample], [t.alpha * e2h, x0], [t.sigma * Math.sqrt(e2h), eps]);
  }

  private secondOrder(i: number, sample: Float32Array, eps: Float32Array | null): Float32Array {
    const [m1, m0] = this.modelOutputs.slice(-2);
    const t = alphaSigma(this.sigmas[i + 1]);
    const s0 = alphaSigma(this.sigmas[i]);
    const lt = lambdaOf(this.sigmas[i + 1]);
    const l0 = lambdaOf(this.sigmas[i]);
    const l1 = lambdaOf(this.sigmas[i - 1]);
    const h = lt - l0;
    const r0 = (l0 - l1) / h;
    // D0 = m0, D1 = (m0 − m1)/r0; midpoint: x_t = a·x − c·D0 − ½c·D1
    if (!eps) {
      const c = t.alpha * Math.expm1(-h);
      return lincomb([t.sigma / s0.sigma, sample], [-c * (1 + 0.5 / r0), m0], [(c * 0.5) / r0, m1]);
    }
    const c = t.alpha * -Math.expm1(-2 * h);
    return lincomb(
      [(t.sigma / s0.sigma) * Math.exp(-h), sample],
      [c * (1 + 0.5 / r0), m0],
      [(-c * 0.5) / r0, m1],
      [t.sigma * Math.sqrt(-Math.expm1(-2 * h)), eps],
    );
  }
}
