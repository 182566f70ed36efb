import { kdiffusionX0 } from './base';
import { KDiffusionScheduler, kdiffusionSchedule } from './kdiffusion-base';
import type { NoiseSource, SchedulerConfig } from './scheduler';
import { lincomb } from './tensor';

/** Gauss–Legendre nodes/weights on [−1, 1]; 4 points integrate the cubic LMS basis exactly. */
const GL_NODES = [-0.8611363115940526, -0.3399810435848563, 0.3399810435848563, 0.8611363115940526];
const GL_WEIGHTS = [0.3478548451374538, 0.6521451548625461, 0.6521451548625461, 0.3478548451374538];

/**
 * diffusers LMSDiscreteScheduler (order 4): linear multistep in σ over the stored derivatives.
 * diffusers integrates the Lagrange basis with scipy's quad; it is a polynomial, so Gauss–Legendre
 * gives the same coefficients exactly.
 */
export class LMSDiscreteScheduler extends KDiffusionScheduler {
  readonly name = 'LMSDiscreteScheduler';
  private derivatives: Float32Array[] = [];
  private readonly lmsOrder = 4;

  constructor(config: SchedulerConfig = {}) {
    super(config, {});
  }

  setTimesteps(n: number): void {
    const { timesteps, sigmas } = kdiffusionSchedule(this.config, this.alphasCumprod, n);
    this.timesteps = timesteps;
    this.sigmas = [...sigmas, 0];
    this.derivatives = [];
    this.resetState();
  }

  private coefficient(order: number, t: number, current: number): number {
    const s = this.sigmas;
    const basis = (tau: number): number => {
      let prod = 1;
      for (let k = 0; k < order; k++) {
        if (k !== current) prod *= (tau - s[t - k]) / (s[t - current] - s[t - k]);
      }
      return prod;
    };
    const a = s[t];
    const b = s[t + 1];
    let sum = 0;
    for (let g = 0; g < GL_NODES.length; g++) sum += GL_WEIGHTS[g] * basis(((b - a) * GL_NODES[g] + (a + b)) / 2);
    return (sum * (b - a)) / 2;
  }

  step(modelOutput: Float32Array, timestep: number, sample: Float32Array, _noise: NoiseSource): Float32Array {
    const i = this.currentIndex(timestep);
    const sigma = this.sigmas[i];
    const x0 = kdiffusionX0(this.config.prediction_type, sample, modelOutput, sigma);
    this.derivatives.push(lincomb([1 / sigma, sample], [-1 / sigma, x0]));
    if (this.derivatives.length > this.lmsOrder) this.derivatives.shift();
    // diffusers uses min(step_index + 1, 4); after set_begin_index that exceeds the derivatives held and
    // zip() silently drops terms, so we also cap by what is held (identical for a full run).
    const order = Math.min(i + 1, this.lmsOrder, this.derivatives.length);
    const terms: Array<[number, Float32Array]> = [[1, sample]];
    for (let k = 0; k < order; k++) terms.push([this.coefficient(order, i, k), this.derivatives[this.derivatives.length - 1 - k]]);
    this.stepIndex = i + 1;
    return lincomb(...terms);
  }
}
