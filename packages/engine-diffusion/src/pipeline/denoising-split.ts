import { InvalidRequestError } from '../errors';
import type { Scheduler } from '../schedulers/scheduler';

export interface DenoisingSplitRequest {
  /** 0–1: stop where this fraction of the noise schedule is done (the base stage of a base + refiner run). */
  denoisingEnd?: number;
  /** 0–1: start where this fraction is done (the refiner stage, from `initLatents`). */
  denoisingStart?: number;
}

function fraction(field: string, v: number | undefined): number | undefined {
  if (v === undefined) return undefined;
  if (!Number.isFinite(v) || v <= 0 || v >= 1) throw new InvalidRequestError('invalid_denoising_split', field, `The ${field.replace(/_/g, ' ')} must be between 0 and 1.`);
  return v;
}

/**
 * The slice [begin, end) of the schedule a stage runs, as diffusers' SDXL pipelines cut it: the
 * cutoff is the training timestep round(N − fraction·N); the base keeps the timesteps ≥ it, the
 * refiner those below it (one more for a 2nd-order scheduler whose count would be even, so it ends
 * on a full step). Undefined without either field.
 */
export function denoisingSplit(req: DenoisingSplitRequest, scheduler: Scheduler, timesteps: number[], trainTimesteps = 1000): { begin: number; end: number } | undefined {
  const start = fraction('denoising_start', req.denoisingStart);
  const stop = fraction('denoising_end', req.denoisingEnd);
  if (start === undefined && stop === undefined) return undefined;
  const cutoff = (f: number) => Math.round(trainTimesteps - f * trainTimesteps);
  let begin = 0;
  let end = timesteps.length;
  if (start !== undefined) {
    let count = timesteps.filter((t) => t < cutoff(start)).length;
    if (scheduler.order === 2 && count % 2 === 0) count += 1;
    begin = Math.max(0, timesteps.length - count);
  }
  if (stop !== undefined) end = timesteps.filter((t) => t >= cutoff(stop)).length;
  return { begin, end: Math.max(begin, end) };
}
