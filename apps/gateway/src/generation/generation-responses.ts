import type { DiffusionResult, SuperResolutionParams, SuperResolutionResult } from '@easel/contracts';
import { SUPER_RESOLUTION_KIND, artifactFileName } from '@easel/contracts';
import type { ArtifactRecord, Job } from '@easel/db';
import { superResolutionMeta } from '../image-editing/super-resolution-meta';
import { storedRequest } from '../jobs/job-message';
import { echoMeta, resultMeta, type GenerationRequest } from './request';

/** A dialect response body and the HTTP status that goes with it. */
export interface DialectResponse {
  httpStatus: number;
  body: Record<string, unknown>;
}

export type JobWithArtifacts = Job & { artifacts: ArtifactRecord[] };

export const outputUrl = (publicUrl: string, token: string, jobId: number, index: number, extension: string) =>
  `${publicUrl}/output/${token}/${artifactFileName(jobId, index, extension)}`;

const trackIdOf = (job: Job) => (job.trackId === null ? {} : { track_id: job.trackId });

function futureLinks(job: Job, publicUrl: string): string[] {
  const stored = storedRequest(job);
  return Array.from({ length: stored.outputs }, (_, i) => outputUrl(publicUrl, stored.artifactToken, job.id, i, stored.extension));
}

export function processingBody(job: Job, publicUrl: string, eta: number): DialectResponse {
  return {
    httpStatus: 202,
    body: {
      status: 'processing',
      tip: 'Your image is processing in background, you can get this image using fetch API: here is link for fetch api : https://docs.modelslab.com',
      eta: Math.max(1, Math.round(eta * 10) / 10),
      messege: 'Try to fetch request after given estimated time',
      message: 'Try to fetch request after given estimated time',
      fetch_result: `${publicUrl}/api/v3/fetch/${job.id}`,
      id: job.id,
      output: [],
      future_links: futureLinks(job, publicUrl),
      meta: {},
      ...trackIdOf(job),
    },
  };
}

export function failedBody(job: Job): DialectResponse {
  return {
    httpStatus: 200,
    body: { status: 'failed', id: job.id, message: 'Failed, Try Again', output: '', error: job.error ?? 'unknown error', ...trackIdOf(job) },
  };
}

/** What the NSFW checker found (it ran when these are present), and the size before `upscale`. */
function safetyMeta(result: DiffusionResult): Record<string, unknown> {
  const meta: Record<string, unknown> = {};
  if (result.nsfwScores) meta.nsfw_scores = result.nsfwScores;
  if (result.initImageNsfwScore !== undefined) meta.init_image_nsfw_score = result.initImageNsfwScore;
  if (result.generatedWidth !== undefined && (result.generatedWidth !== result.width || result.generatedHeight !== result.height)) {
    meta.generated_W = result.generatedWidth;
    meta.generated_H = result.generatedHeight;
  }
  return meta;
}

/** `base64Outputs` replaces the links when the request asked for base64. */
export function successBody(job: JobWithArtifacts, publicUrl: string, base64Outputs?: string[]): DialectResponse {
  const stored = storedRequest(job);
  const request = stored.params as unknown as GenerationRequest;
  const result = job.result as unknown as DiffusionResult;
  const links = job.artifacts.map((a) => outputUrl(publicUrl, stored.artifactToken, job.id, a.index, stored.extension));
  const meta =
    job.kind === SUPER_RESOLUTION_KIND
      ? superResolutionMeta(stored.params as unknown as SuperResolutionParams, job.result as unknown as SuperResolutionResult)
      : {
          ...echoMeta(request, { seed: result.seeds[0], width: result.width, height: result.height, modelId: result.modelId, scheduler: result.scheduler }),
          ...stored.metaOverrides,
          ...resultMeta(result),
          seeds: result.seeds,
          ...safetyMeta(result),
          ...(result.adapters ? { adapters: result.adapters } : {}),
        };
  return {
    httpStatus: 200,
    body: {
      status: 'success',
      generationTime: Math.round(result.generationTime * 1000) / 1000,
      id: job.id,
      output: base64Outputs ?? links,
      proxy_links: links,
      nsfw_content_detected: result.nsfwContentDetected ?? false,
      meta,
      timings: result.timings,
      ...trackIdOf(job),
    },
  };
}
