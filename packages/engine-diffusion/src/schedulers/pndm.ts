import { AlphaScheduler } from './alpha-base';
import { BaseConfig, unsupported } from './config';
import type { NoiseSource, SchedulerConfig } from './scheduler';
import { discreteTimesteps } from './timesteps';
import { lincomb } from './tensor';

interface PNDMConfig extends BaseConfig {
  skip_prk_steps: boolean;
  set_alpha_to_one: boolean;
}

/**
 * diffusers PNDMScheduler. With skip_prk_steps (SD 1.5) the schedule is PLMS only and the
 * second-to-last spaced timestep is duplicated ([901, 801, 801, 701, …]): the first two calls
 * form a Heun-like start (the second averages ε and restarts from the saved sample, and is not
 * added to the ε history), then Adams–Bashforth orders 2, 3, 4 over the last four ε (`ets`).
 * Without it, three pseudo Runge–Kutta steps (4 calls each) seed the history first. Like diffusers,
 * every step spans N/n training steps whatever the spacing, which only matches a leading or
 * trailing grid (with linspace the steps and the grid disagree, exactly as in diffusers).
 */
export class PNDMScheduler extends AlphaScheduler<PNDMConfig> {
  readonly name = 'PNDMScheduler';
  private prkTimesteps: number[] = [];
  private ets: Float32Array[] = [];
  private counter = 0;
  private curSample: Float32Array | null = null;
  private curModelOutput: Float32Array | null = null;
  private stepRatio = 0;

  constructor(config: SchedulerConfig = {}) {
    super(config, { timestep_spacing: 'leading', skip_prk_steps: false, set_alpha_to_one: false });
    if (!['epsilon', 'v_prediction'].includes(this.config.prediction_type)) {
      throw unsupported(this.name, 'prediction_type', this.config.prediction_type);
    }
  }

  setTimesteps(n: number): void {
    const c = this.config;
    const asc = discreteTimesteps(c.timestep_spacing, c.num_train_timesteps, n, c.steps_offset).reverse();
    this.stepRatio = Math.floor(c.num_train_timesteps / n);
    let plms: number[];
    if (c.skip_prk_steps) {
      this.prkTimesteps = [];
      // Slices, as diffusers' numpy ones: with one step there is no second-to-last timestep to repeat.
      plms = [...asc.slice(0, -1), ...asc.slice(-2, -1), ...asc.slice(-1)].reverse();
    } else {
      const half = Math.floor(this.stepRatio / 2);
      const base = asc.slice(-4).flatMap((t) => [t, t + half]);
      const doubled = base.slice(0, -1).flatMap((t) => [t, t]);
      this.prkTimesteps = doubled.slice(1, -1).reverse();
      plms = asc.slice(0, -3).reverse();
      // One step leaves the Runge–Kutta start nothing to run (diffusers cannot run it either): one PLMS step instead.
      if (this.prkTimesteps.length === 0 && plms.length === 0) plms = [...asc].reverse();
    }
    this.timesteps = [...this.prkTimesteps, ...plms];
    this.ets = [];
    this.counter = 0;
    this.curSample = null;
    this.curModelOutput = null;
    this.stepIndex = null;
    this.beginIndex = null;
  }

  step(modelOutput: Float32Array, timestep: number, sample: Float32Array, _noise: NoiseSource): Float32Array {
    this.requireTimesteps();
    const usePrk = this.counter < this.prkTimesteps.length && !this.config.skip_prk_steps;
    const prev = usePrk ? this.stepPrk(modelOutput, timestep, sample) : this.stepPlms(modelOutput, timestep, sample);
    this.counter++;
    return prev;
  }

  private stepPrk(out: Float32Array, timestep: number, sample: Float32Array): Float32Array {
    const k = this.counter;
    const prevT = timestep - (k % 2 ? 0 : Math.floor(this.stepRatio / 2));
    const t = this.prkTimesteps[Math.floor(k / 4) * 4];
    const acc = this.curModelOutput;
    let eps = out;
    if (k % 4 === 0) {
      this.curModelOutput = lincomb([1 / 6, out]);
      this.ets.push(out);
      this.curSample = sample;
    } else if (k % 4 === 1 || k % 4 === 2) {
      this.curModelOutput = lincomb([1, acc as Float32Array], [1 / 3, out]);
    } else {
      eps = lincomb([1, acc as Float32Array], [1 / 6, out]);
      this.curModelOutput = null;
    }
    return this.prevSample(this.curSample ?? sample, t, prevT, eps);
  }

  private stepPlms(out: Float32Array, timestep: number, sample: Float32Array): Float32Array {
    let t = timestep;
    let prevT = timestep - this.stepRatio;
    if (this.counter !== 1) {
      this.ets = [...this.ets.slice(-3), out];
    } else {
      prevT = timestep;
      t = timestep + this.stepRatio;
    }
    const e = this.ets;
    const L = e.length;
    let eps: Float32Array;
    let x = sample;
    if (L === 1 && this.counter === 0) {
      eps = out;
      this.curSample = sample;
    } else if (L === 1 && this.counter === 1) {
      eps = lincomb([0.5, out], [0.5, e[0]]);
      x = this.curSample as Float32Array;
      this.curSample = null;
    } else if (L === 2) {
      eps = lincomb([1.5, e[1]], [-0.5, e[0]]);
    } else if (L === 3) {
      eps = lincomb([23 / 12, e[2]], [-16 / 12, e[1]], [5 / 12, e[0]]);
    } else {
      eps = lincomb([55 / 24, e[L - 1]], [-59 / 24, e[L - 2]], [37 / 24, e[L - 3]], [-9 / 24, e[L - 4]]);
    }
    return this.prevSample(x, t, prevT, eps);
  }

  /** PNDM's transfer x_t → x_{t'} for a given ε (eq. 9 of Liu et al., 2022). */
  private prevSample(sample: Float32Array, t: number, prevT: number, out: Float32Array): Float32Array {
    const a = this.alphasCumprod[t];
    const aPrev = this.alphaAt(prevT, this.config.set_alpha_to_one ? 1 : this.alphasCumprod[0]);
    const b = 1 - a;
    const bPrev = 1 - aPrev;
    const eps = this.config.prediction_type === 'v_prediction' ? lincomb([Math.sqrt(a), out], [Math.sqrt(b), sample]) : out;
    const denom = a * Math.sqrt(bPrev) + Math.sqrt(a * b * aPrev);
    return lincomb([Math.sqrt(aPrev / a), sample], [-(aPrev - a) / denom, eps]);
  }
}
