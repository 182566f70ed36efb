import { unsupported } from './config';
import { MultistepConfig, MultistepScheduler, multistepSchedule } from './multistep-base';
import type { NoiseSource, SchedulerConfig } from './scheduler';
import { alphaSigma, lambdaOf } from './sigmas';
import { lincomb } from './tensor';

export interface DEISMultistepConfig extends MultistepConfig {
  algorithm_type: 'deis';
  solver_type: 'logrho';
}

/**
 * diffusers DEISMultistepScheduler (deis/logrho, orders 1–2). Works on ε predictions; the
 * schedule ends on σ_min, not 0 (diffusers' DEIS has no final_sigmas_type), and
 * lower_order_final only applies with fewer than 15 steps.
 */
export class DEISMultistepScheduler extends MultistepScheduler<DEISMultistepConfig> {
  readonly name = 'DEISMultistepScheduler';
  private modelOutputs: Float32Array[] = [];
  private lowerOrderNums = 0;

  constructor(config: SchedulerConfig = {}) {
    super({ ...config, final_sigmas_type: 'sigma_min' }, { algorithm_type: 'deis', solver_type: 'logrho' });
    const { algorithm_type, solver_order, solver_type } = this.config;
    if (algorithm_type !== 'deis') throw unsupported(this.name, 'algorithm_type', algorithm_type);
    if (solver_type !== 'logrho') throw unsupported(this.name, 'solver_type', solver_type);
    if (solver_order !== 1 && solver_order !== 2) throw unsupported(this.name, 'solver_order', solver_order);
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

  step(modelOutput: Float32Array, timestep: number, sample: Float32Array, _noise: NoiseSource): Float32Array {
    this.requireTimesteps();
    const i = this.currentIndex(timestep);
    const len = this.timesteps.length;
    const lowerOrderFinal = i === len - 1 && this.config.lower_order_final && len < 15;
    const { alpha, sigma } = alphaSigma(this.sigmas[i]);
    const x0 = this.toX0(modelOutput, sample, this.sigmas[i]);
    const eps = lincomb([1 / sigma, sample], [-alpha / sigma, x0]);
    this.modelOutputs.push(eps);
    if (this.modelOutputs.length > this.config.solver_order) this.modelOutputs.shift();
    const first = this.config.solver_order === 1 || this.lowerOrderNums < 1 || lowerOrderFinal;
    const prev = first ? this.firstOrder(i, eps, sample) : this.secondOrder(i, sample);
    if (this.lowerOrderNums < this.config.solver_order) this.lowerOrderNums++;
    this.stepIndex = i + 1;
    return prev;
  }

  private firstOrder(i: number, eps: Float32Array, sample: Float32Array): Float32Array {
    const s = alphaSigma(this.sigmas[i]);
    const t = alphaSigma(this.sigmas[i + 1]);
    const h = lambdaOf(this.sigmas[i + 1]) - lambdaOf(this.sigmas[i]);
    return lincomb([t.alpha / s.alpha, sample], [-t.sigma * Math.expm1(h), eps]);
  }

  /** Exact integral over ρ = σ/α of the ε Lagrange interpolant in log ρ (diffusers' ind_fn). */
  private secondOrder(i: number, sample: Float32Array): Float32Array {
    const [m1, m0] = this.modelOutputs.slice(-2);
    const t = alphaSigma(this.sigmas[i + 1]);
    const s0 = alphaSigma(this.sigmas[i]);
    const rhoT = this.sigmas[i + 1];
    const rho0 = this.sigmas[i];
    const rho1 = this.sigmas[i - 1];
    const ind = (x: number, b: number, c: number): number => (x * (-Math.log(c) + Math.log(x) - 1)) / (Math.log(b) - Math.log(c));
    const coef1 = ind(rhoT, rho0, rho1) - ind(rho0, rho0, rho1);
    const coef2 = ind(rhoT, rho1, rho0) - ind(rho0, rho1, rho0);
    return lincomb([t.alpha / s0.alpha, sample], [t.alpha * coef1, m0], [t.alpha * coef2, m1]);
  }
}
