import type { DiffusionResult } from '@easel/contracts';
import { storedRequest } from '../jobs/job-message';
import type { JobWithArtifacts } from '../jobs/job-responses';
import { echoMeta, resultMeta, type GenerationRequest } from './request';

/** What the NSFW checker found (it ran when these are present), and the size before `upscale`. */
function safetyMeta(result: DiffusionResult): Record<string, unknown> {
  const meta: Record<string, unknown> = {};
  if (result.nsfwScores) meta.nsfw_scores = result.nsfwScores;
  if (result.initImageNsfwScore !== undefined) meta.init_image_nsfw_score = result.initImageNsfwScore;
  if (
    result.generatedWidth !== undefined &&
    (result.generatedWidth !== result.width || result.generatedHeight !== result.height)
  ) {
    meta.generated_W = result.generatedWidth;
    meta.generated_H = result.generatedHeight;
  }
  return meta;
}

/** `meta` of a finished text2img / img2img / inpaint job: every parameter used, then what the engine did. */
export function diffusionMeta(job: JobWithArtifacts): Record<string, unknown> {
  return generationMeta(job, storedRequest(job).params as unknown as GenerationRequest);
}

/** `meta` of a finished generation (a diffusion job's, or the generation inside a controlnet job's `request`). */
export function generationMeta(job: JobWithArtifacts, request: GenerationRequest): Record<string, unknown> {
  const stored = storedRequest(job);
  const result = job.result as unknown as DiffusionResult;
  return {
    ...echoMeta(request, {
      seed: result.seeds[0],
      width: result.width,
      height: result.height,
      modelId: result.modelId,
      scheduler: result.scheduler,
    }),
    ...stored.metaOverrides,
    ...resultMeta(result),
    seeds: result.seeds,
    ...safetyMeta(result),
    ...(result.adapters ? { adapters: result.adapters } : {}),
  };
}
