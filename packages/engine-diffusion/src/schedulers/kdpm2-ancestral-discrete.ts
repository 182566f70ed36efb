import { kdiffusionX0 } from './base';
import { KDiffusionScheduler, kdiffusionSchedule } from './kdiffusion-base';
import { interleaveRepeat } from './kdpm2-discrete';
import type { NoiseSource, SchedulerConfig } from './scheduler';
import { sigmaToT } from './sigmas';
import { lincomb } from './tensor';

/**
 * diffusers KDPM2AncestralDiscreteScheduler (k-diffusion's DPM2 a): DPM2 towards σ_down with the
 * midpoint sqrt(σ·σ_down), then σ_up fresh noise. Like diffusers it draws noise on every call
 * (used only on the second half of each step) and its last step is a plain Euler step to 0.
 */
export class KDPM2AncestralDiscreteScheduler extends KDiffusionScheduler {
  readonly name = 'KDPM2AncestralDiscreteScheduler';
  override order = 2;
  private sigmasInterpol: number[] = [];
  private sigmasUp: number[] = [];
  private sigmasDown: number[] = [];
  private firstSample: Float32Array | null = null;

  constructor(config: SchedulerConfig = {}) {
    super(config, { beta_start: 0.00085, beta_end: 0.012 });
  }

  setTimesteps(n: number): void {
    const { timesteps, sigmas, logSigmas } = kdiffusionSchedule(this.config, this.alphasCumprod, n);
    const all = [...sigmas, 0];
    const up: number[] = [];
    const down: number[] = [];
    all.forEach((s, k) => {
      const next = k + 1 < all.length ? all[k + 1] : 0;
      const u = s === 0 ? Number.NaN : Math.sqrt((next * next * (s * s - next * next)) / (s * s));
      up.push(u);
      down.push(k === all.length - 1 ? 0 : Math.sqrt(Math.max(0, next * next - u * u)));
    });
    const interpol = all.map((s, k) => (k >= all.length - 2 ? 0 : Math.sqrt(s * down[k])));
    const tInterpol = interpol.map((s) => Math.fround(sigmaToT(s, logSigmas)));
    this.sigmas = interleaveRepeat(all);
    this.sigmasInterpol = interleaveRepeat(interpol);
    this.sigmasUp = interleaveRepeat(up);
    this.sigmasDown = interleaveRepeat(down);
    const ts = [timesteps[0]];
    for (let k = 1; k < n; k++) ts.push(tInterpol[k - 1], timesteps[k]);
    this.timesteps = ts;
    this.firstSample = null;
    this.resetState();
  }

  private get firstOrder(): boolean {
    return this.firstSample === null;
  }

  protected override inputSigma(index: number): number {
    return this.firstOrder ? this.sigmas[index] : this.sigmasInterpol[index - 1];
  }

  step(modelOutput: Float32Array, timestep: number, sample: Float32Array, noise: NoiseSource): Float32Array {
    const i = this.currentIndex(timestep);
    const eps = noise.randn(sample.length);
    let prev: Float32Array;
    if (this.firstOrder) {
      const sigma = this.sigmas[i];
      const mid = this.sigmasInterpol[i];
      const x0 = kdiffusionX0(this.config.prediction_type, sample, modelOutput, sigma);
      const dt = mid - sigma;
      this.firstSample = sample;
      prev = lincomb([1 + dt / sigma, sample], [-dt / sigma, x0]);
    } else {
      const sigma = this.sigmas[i - 1];
      const mid = this.sigmasInterpol[i - 1];
      const dt = this.sigmasDown[i - 1] - sigma;
      const x0 = kdiffusionX0(this.config.prediction_type, sample, modelOutput, mid);
      prev = lincomb([1, this.firstSample as Float32Array], [dt / mid, sample], [-dt / mid, x0], [this.sigmasUp[i - 1], eps]);
      this.firstSample = null;
    }
    this.stepIndex = i + 1;
    return prev;
  }
}
