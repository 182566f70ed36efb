import { kdiffusionX0 } from './base';
import { KDiffusionScheduler, kdiffusionSchedule } from './kdiffusion-base';
import type { NoiseSource, SchedulerConfig } from './scheduler';
import { sigmaToT } from './sigmas';
import { lincomb } from './tensor';

/** [a0, a1, a1, a2, a2, …, a_last, a_last, a_last]: diffusers' `cat([x[:1], x[1:].repeat_interleave(2), x[-1:]])`. */
export function interleaveRepeat(xs: number[]): number[] {
  return [xs[0], ...xs.slice(1).flatMap((x) => [x, x]), xs[xs.length - 1]];
}

/**
 * diffusers KDPM2DiscreteScheduler (k-diffusion's DPM2): each step evaluates the model at σ and
 * at the log-midpoint σ_mid = sqrt(σ_i·σ_{i+1}); timesteps are [t0, t_mid1, t1, t_mid2, t2, …].
 * The last step goes to σ=0 with a single Euler evaluation, as in diffusers.
 */
export class KDPM2DiscreteScheduler extends KDiffusionScheduler {
  readonly name = 'KDPM2DiscreteScheduler';
  override order = 2;
  private sigmasInterpol: number[] = [];
  private firstSample: Float32Array | null = null;

  constructor(config: SchedulerConfig = {}) {
    super(config, { beta_start: 0.00085, beta_end: 0.012 });
  }

  setTimesteps(n: number): void {
    const { timesteps, sigmas, logSigmas } = kdiffusionSchedule(this.config, this.alphasCumprod, n);
    const all = [...sigmas, 0];
    // Geometric mean with the previous σ (index 0 is unused; the σ=0 entry gives 0).
    const interpol = all.map((s, k) => (k === 0 ? Number.NaN : Math.sqrt(s * all[k - 1])));
    const tInterpol = interpol.map((s) => Math.fround(sigmaToT(s, logSigmas)));
    this.sigmas = interleaveRepeat(all);
    this.sigmasInterpol = interleaveRepeat(interpol);
    const ts = [timesteps[0]];
    for (let k = 1; k < n; k++) ts.push(tInterpol[k], timesteps[k]);
    this.timesteps = ts;
    this.firstSample = null;
    this.resetState();
  }

  private get firstOrder(): boolean {
    return this.firstSample === null;
  }

  protected override inputSigma(index: number): number {
    return this.firstOrder ? this.sigmas[index] : this.sigmasInterpol[index];
  }

  step(modelOutput: Float32Array, timestep: number, sample: Float32Array, _noise: NoiseSource): Float32Array {
    const i = this.currentIndex(timestep);
    let prev: Float32Array;
    if (this.firstOrder) {
      const sigma = this.sigmas[i];
      const mid = this.sigmasInterpol[i + 1];
      const x0 = kdiffusionX0(this.config.prediction_type, sample, modelOutput, sigma);
      const dt = mid - sigma;
      this.firstSample = sample;
      prev = lincomb([1 + dt / sigma, sample], [-dt / sigma, x0]);
    } else {
      const sigma = this.sigmas[i - 1];
      const mid = this.sigmasInterpol[i];
      const next = this.sigmas[i];
      const x0 = kdiffusionX0(this.config.prediction_type, sample, modelOutput, mid);
      const dt = next - sigma;
      prev = lincomb([1, this.firstSample as Float32Array], [dt / mid, sample], [-dt / mid, x0]);
      this.firstSample = null;
    }
    this.stepIndex = i + 1;
    return prev;
  }
}
