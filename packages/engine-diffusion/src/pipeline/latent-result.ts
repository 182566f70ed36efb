import type { Graph } from '../model/session';
import type { NormalizedRequest } from './validate';
import { requestFields } from './result-fields';
import type { GenerateResult, PhaseTimings } from './types';

/** The result of a run stopped before the VAE (`returnLatents`): the latents, no images. */
export function latentResult(latents: Float32Array, req: NormalizedRequest, seeds: number[], promptTokens: number, timings: PhaseTimings, graphs: Graph[], ortStart: number, t0: number): GenerateResult {
  timings.ortMs = graphs.reduce((s, g) => s + g.runMs, 0) - ortStart;
  timings.totalMs = performance.now() - t0;
  return {
    images: [],
    latents,
    ...requestFields(req),
    seeds,
    promptTokens,
    timings,
  };
}
