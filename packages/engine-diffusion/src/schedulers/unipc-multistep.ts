import { unsupported } from './config';
import { MultistepConfig, MultistepScheduler, multistepSchedule } from './multistep-base';
import type { NoiseSource, SchedulerConfig } from './scheduler';
import { alphaSigma, lambdaOf } from './sigmas';
import { lincomb } from './tensor';

export interface UniPCMultistepConfig extends MultistepConfig {
  solver_type: 'bh1' | 'bh2';
  predict_x0: boolean;
  disable_corrector: number[];
}

/**
 * diffusers UniPCMultistepScheduler (predict_x0, bh1/bh2, orders 1–2): each step first applies
 * the UniC corrector to the incoming sample using the new model output, then the UniP predictor.
 * With lower_order_final the last step is first order (order = min(solver_order, steps left)).
 */
export class UniPCMultistepScheduler extends MultistepScheduler<UniPCMultistepConfig> {
  readonly name = 'UniPCMultistepScheduler';
  private modelOutputs: Float32Array[] = [];
  private lowerOrderNums = 0;
  private lastSample: Float32Array | null = null;
  private thisOrder = 1;

  constructor(config: SchedulerConfig = {}) {
    super(config, { solver_type: 'bh2', predict_x0: true, disable_corrector: [] });
    const { solver_order, solver_type, predict_x0 } = this.config;
    if (solver_order !== 1 && solver_order !== 2) throw unsupported(this.name, 'solver_order', solver_order);
    if (solver_type !== 'bh1' && solver_type !== 'bh2') throw unsupported(this.name, 'solver_type', solver_type);
    if (!predict_x0) throw unsupported(this.name, 'predict_x0', predict_x0);
  }

  setTimesteps(n: number): void {
    const { timesteps, sigmas } = multistepSchedule(this.config, this.alphasCumprod, n);
    this.timesteps = timesteps;
    this.sigmas = sigmas;
    this.modelOutputs = [];
    this.lowerOrderNums = 0;
    this.lastSample = null;
    this.thisOrder = 1;
    this.stepIndex = null;
    this.beginIndex = null;
  }

  step(modelOutput: Float32Array, timestep: number, sample: Float32Array, _noise: NoiseSource): Float32Array {
    this.requireTimesteps();
    const i = this.currentIndex(timestep);
    const x0 = this.toX0(modelOutput, sample, this.sigmas[i]);
    let x = sample;
    if (i > 0 && !this.config.disable_corrector.includes(i - 1) && this.lastSample) {
      x = this.corrector(i, x0, this.lastSample, this.thisOrder);
    }
    this.modelOutputs.push(x0);
    if (this.modelOutputs.length > this.config.solver_order) this.modelOutputs.shift();
    const order = this.config.lower_order_final
      ? Math.min(this.config.solver_order, this.timesteps.length - i)
      : this.config.solver_order;
    this.thisOrder = Math.min(order, this.lowerOrderNums + 1);
    this.lastSample = x;
    const prev = this.predictor(i, x, this.thisOrder);
    if (this.lowerOrderNums < this.config.solver_order) this.lowerOrderNums++;
    this.stepIndex = i + 1;
    return prev;
  }

  /** hh = −h, φ₁ = e^{hh} − 1, B(h) per bh1/bh2, and the b_k = φ_{k+1}·k!/B(h) right-hand side. */
  private coefficients(h: number, order: number): { phi1: number; bh: number; b: number[] } {
    const hh = -h;
    const phi1 = Math.expm1(hh);
    const bh = this.config.solver_type === 'bh1' ? hh : Math.expm1(hh);
    const b: number[] = [];
    let hPhiK = phi1 / hh - 1;
    let factorial = 1;
    for (let k = 1; k <= order; k++) {
      b.push((hPhiK * factorial) / bh);
      factorial *= k + 1;
      hPhiK = hPhiK / hh - 1 / factorial;
    }
    return { phi1, bh, b };
  }

  /** UniP: x_t = (σ_t/σ_s)·x − α_t·φ₁·m0 − α_t·B(h)·ρ·D1 (ρ = ½ for order 2, as diffusers hard-codes). */
  private predictor(i: number, x: Float32Array, order: number): Float32Array {
    const m0 = this.modelOutputs[this.modelOutputs.length - 1];
    const s0 = alphaSigma(this.sigmas[i]);
    const t = alphaSigma(this.sigmas[i + 1]);
    const l0 = lambdaOf(this.sigmas[i]);
    const h = lambdaOf(this.sigmas[i + 1]) - l0;
    const { phi1, bh } = this.coefficients(h, order);
    const terms: Array<[number, Float32Array]> = [
      [t.sigma / s0.sigma, x],
      [-t.alpha * phi1, m0],
    ];
    if (order === 2) {
      const m1 = this.modelOutputs[this.modelOutputs.length - 2];
      const rk = (lambdaOf(this.sigmas[i - 1]) - l0) / h;
      const c = -t.alpha * bh * 0.5 / rk; // D1 = (m1 − m0)/rk
      terms.push([c, m1], [-c, m0]);
    }
    return lincomb(...terms);
  }

  /** UniC: re-derive the step σ_{i−1}→σ_i with the fresh x0 estimate `mt` (ρ from R·ρ = b). */
  private corrector(i: number, mt: Float32Array, last: Float32Array, order: number): Float32Array {
    const m0 = this.modelOutputs[this.modelOutputs.length - 1];
    const s0 = alphaSigma(this.sigmas[i - 1]);
    const t = alphaSigma(this.sigmas[i]);
    const l0 = lambdaOf(this.sigmas[i - 1]);
    const h = lambdaOf(this.sigmas[i]) - l0;
    const { phi1, bh, b } = this.coefficients(h, order);
    const terms: Array<[number, Float32Array]> = [
      [t.sigma / s0.sigma, last],
      [-t.alpha * phi1, m0],
    ];
    let rhoLast: number;
    if (order === 1) {
      rhoLast = 0.5;
    } else {
      const m1 = this.modelOutputs[this.modelOutputs.length - 2];
      const rk = (lambdaOf(this.sigmas[i - 2]) - l0) / h;
      // R = [[1, 1], [rk, 1]]; solve R·ρ = b
      const rho0 = (b[0] - b[1]) / (1 - rk);
      rhoLast = b[0] - rho0;
      const c = -t.alpha * bh * rho0 / rk;
      terms.push([c, m1], [-c, m0]);
    }
    terms.push([-t.alpha * bh * rhoLast, mt], [t.alpha * bh * rhoLast, m0]);
    return lincomb(...terms);
  }
}
