import type { NoiseSource, Scheduler } from './scheduler';
import type { PredictionType } from './config';
import { lincomb } from './tensor';

/**
 * Shared step-index bookkeeping (diffusers' `_step_index` / `_begin_index`): the first
 * `step` finds its index from the timestep unless `setBeginIndex` fixed it.
 */
export abstract class IndexedScheduler implements Scheduler {
  abstract readonly name: string;
  order = 1;
  timesteps: number[] = [];
  protected stepIndex: number | null = null;
  protected beginIndex: number | null = null;

  abstract get initNoiseSigma(): number;
  abstract setTimesteps(numInferenceSteps: number): void;
  abstract scaleModelInput(sample: Float32Array, timestep: number): Float32Array;
  abstract step(modelOutput: Float32Array, timestep: number, sample: Float32Array, noise: NoiseSource): Float32Array;
  abstract addNoise(original: Float32Array, noise: Float32Array, timestep: number): Float32Array;

  setBeginIndex(index: number): void {
    if (!Number.isInteger(index) || index < 0 || index >= Math.max(1, this.timesteps.length)) {
      throw new RangeError(`${this.name}: begin index ${index} is outside 0..${this.timesteps.length - 1}`);
    }
    this.beginIndex = index;
  }

  /** diffusers' `index_for_timestep`: a repeated timestep (Heun, KDPM2) resolves to its second occurrence. */
  protected indexForTimestep(timestep: number): number {
    const hits: number[] = [];
    this.timesteps.forEach((t, i) => {
      if (t === timestep) hits.push(i);
    });
    if (hits.length === 0) return this.missingTimestepIndex(timestep);
    return hits.length > 1 ? hits[1] : hits[0];
  }

  protected missingTimestepIndex(timestep: number): number {
    throw new RangeError(`${this.name}: timestep ${timestep} is not in the schedule`);
  }

  protected currentIndex(timestep: number): number {
    if (this.stepIndex === null) this.stepIndex = this.beginIndex ?? this.indexForTimestep(timestep);
    return this.stepIndex;
  }

  /** diffusers' add_noise index choice: before any step → begin index (or lookup), after → the current step. */
  protected addNoiseIndex(timestep: number): number {
    if (this.beginIndex === null) return this.indexForTimestep(timestep);
    return this.stepIndex ?? this.beginIndex;
  }

  protected requireTimesteps(): void {
    if (this.timesteps.length === 0) throw new Error(`${this.name}: call setTimesteps first`);
  }
}

/** k-diffusion x0 estimate for the σ-parameterised schedulers (Euler, LMS, Heun, KDPM2). */
export function kdiffusionX0(pred: PredictionType, sample: Float32Array, out: Float32Array, sigma: number): Float32Array {
  if (pred === 'epsilon') return lincomb([1, sample], [-sigma, out]);
  if (pred === 'v_prediction') {
    const s2 = sigma * sigma + 1;
    return lincomb([-sigma / Math.sqrt(s2), out], [1 / s2, sample]);
  }
  return out;
}

/** x0 estimate for the ᾱ-parameterised schedulers (DDIM, DDPM, LCM). */
export function alphaX0(pred: PredictionType, sample: Float32Array, out: Float32Array, alphaProd: number): Float32Array {
  const a = Math.sqrt(alphaProd);
  const b = Math.sqrt(1 - alphaProd);
  if (pred === 'epsilon') return lincomb([1 / a, sample], [-b / a, out]);
  if (pred === 'v_prediction') return lincomb([a, sample], [-b, out]);
  return out;
}
