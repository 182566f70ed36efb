import { unsupported } from './config';
import { MultistepConfig, MultistepScheduler } from './multistep-base';
import type { NoiseSource, SchedulerConfig } from './scheduler';
import { alphaSigma, interpOnGrid, karrasSigmas, lambdaOf, sigmaToT, trainingSigmas } from './sigmas';
import { linspace, roundHalfEven } from './timesteps';
import { lincomb } from './tensor';

export interface DPMSolverSinglestepConfig extends MultistepConfig {
  algorithm_type: 'dpmsolver++';
}

/**
 * diffusers DPMSolverSinglestepScheduler (dpmsolver++, midpoint, orders 1–2). Steps alternate
 * orders [1, 2, 1, 2, …] (`get_order_list`); a second-order step restarts from the sample saved
 * at the preceding first-order step. diffusers' class has no timestep_spacing: always linspace.
 */
export class DPMSolverSinglestepScheduler extends MultistepScheduler<DPMSolverSinglestepConfig> {
  readonly name = 'DPMSolverSinglestepScheduler';
  private modelOutputs: Float32Array[] = [];
  private orderList: number[] = [];
  private savedSample: Float32Array | null = null;

  constructor(config: SchedulerConfig = {}) {
    super(config, { algorithm_type: 'dpmsolver++' });
    if (this.config.algorithm_type !== 'dpmsolver++') throw unsupported(this.name, 'algorithm_type', this.config.algorithm_type);
    if (this.config.solver_order !== 1 && this.config.solver_order !== 2) throw unsupported(this.name, 'solver_order', this.config.solver_order);
  }

  setTimesteps(n: number): void {
    const cfg = this.config;
    const train = trainingSigmas(this.alphasCumprod);
    const logSigmas = train.map(Math.log);
    let sigmas: number[];
    if (cfg.use_karras_sigmas) {
      sigmas = karrasSigmas(train[0], train[train.length - 1], n);
      this.timesteps = sigmas.map((s) => Math.round(sigmaToT(s, logSigmas)));
    } else {
      this.timesteps = linspace(0, cfg.num_train_timesteps - 1, n + 1).map(roundHalfEven).reverse().slice(0, n);
      sigmas = this.timesteps.map((t) => interpOnGrid(t, train));
    }
    this.sigmas = [...sigmas, cfg.final_sigmas_type === 'zero' ? 0 : train[0]];
    this.orderList = this.makeOrderList(n);
    this.modelOutputs = [];
    this.savedSample = null;
    this.stepIndex = null;
    this.beginIndex = null;
  }

  private makeOrderList(n: number): number[] {
    const order = this.config.solver_order;
    const orders: number[] = [];
    for (let k = 0; k < n; k++) orders.push(order === 1 ? 1 : (k % 2) + 1);
    // diffusers forces lower_order_final for odd n (trailing 1); a final σ of 0 makes the last step first order.
    if (this.config.final_sigmas_type === 'zero' && orders.length > 0) orders[orders.length - 1] = 1;
    return orders;
  }

  step(modelOutput: Float32Array, timestep: number, sample: Float32Array, _noise: NoiseSource): Float32Array {
    this.requireTimesteps();
    const i = this.currentIndex(timestep);
    const x0 = this.toX0(modelOutput, sample, this.sigmas[i]);
    this.modelOutputs.push(x0);
    if (this.modelOutputs.length > this.config.solver_order) this.modelOutputs.shift();
    let order = this.orderList[i];
    while (order > this.modelOutputs.length) order--;
    if (order === 1) this.savedSample = sample;
    const prev = order === 1 ? this.firstOrder(i, x0, sample) : this.secondOrder(i, this.savedSample ?? sample);
    this.stepIndex = i + 1;
    return prev;
  }

  private firstOrder(i: number, x0: Float32Array, sample: Float32Array): Float32Array {
    const s = alphaSigma(this.sigmas[i]);
    const t = alphaSigma(this.sigmas[i + 1]);
    const h = lambdaOf(this.sigmas[i + 1]) - lambdaOf(this.sigmas[i]);
    return lincomb([t.sigma / s.sigma, sample], [-t.alpha * Math.expm1(-h), x0]);
  }

  /** From the sample saved at σ_{i−1} straight to σ_{i+1}, using the x0 estimates at σ_{i−1} and σ_i. */
  private secondOrder(i: number, saved: Float32Array): Float32Array {
    const [m1, m0] = this.modelOutputs.slice(-2);
    const t = alphaSigma(this.sigmas[i + 1]);
    const s1 = alphaSigma(this.sigmas[i - 1]);
    const lt = lambdaOf(this.sigmas[i + 1]);
    const l0 = lambdaOf(this.sigmas[i]);
    const l1 = lambdaOf(this.sigmas[i - 1]);
    const h = lt - l1;
    const r0 = (l0 - l1) / h;
    // D0 = m1, D1 = (m0 − m1)/r0
    const c = t.alpha * Math.expm1(-h);
    return lincomb([t.sigma / s1.sigma, saved], [-c * (1 - 0.5 / r0), m1], [(-c * 0.5) / r0, m0]);
  }
}
