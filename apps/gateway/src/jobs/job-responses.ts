import { artifactFileName } from '@easel/contracts';
import type { ArtifactRecord, Job } from '@easel/db';
import { storedRequest } from './job-message';

/** An artifact's own extension (a job may write files of several types: a mesh and its preview PNG). */
export const artifactExtension = (a: Pick<ArtifactRecord, 'storageKey'>, fallback: string) => {
  const dot = a.storageKey.lastIndexOf('.');
  return dot > a.storageKey.lastIndexOf('/') ? a.storageKey.slice(dot + 1) : fallback;
};

/** A dialect response body and the HTTP status that goes with it. */
export interface DialectResponse {
  httpStatus: number;
  body: Record<string, unknown>;
}

export type JobWithArtifacts = Job & { artifacts: ArtifactRecord[] };

export const outputUrl = (
  publicUrl: string,
  token: string,
  jobId: number,
  index: number,
  extension: string,
) => `${publicUrl}/output/${token}/${artifactFileName(jobId, index, extension)}`;

/** The image families' fetch endpoint (every job can be fetched there too). */
export const DEFAULT_FETCH_PATH = '/api/v3/fetch';

const trackIdOf = (job: Job) => (job.trackId === null ? {} : { track_id: job.trackId });

function futureLinks(job: Job, publicUrl: string): string[] {
  const stored = storedRequest(job);
  return Array.from({ length: stored.outputs }, (_, i) =>
    outputUrl(publicUrl, stored.artifactToken, job.id, i, stored.extension),
  );
}

/** `fetchPath`: where the job's family fetches (`/api/v3/fetch`, `/api/v6/video/fetch`...). */
export function processingBody(
  job: Job,
  publicUrl: string,
  eta: number,
  fetchPath = DEFAULT_FETCH_PATH,
): DialectResponse {
  return {
    httpStatus: 202,
    body: {
      status: 'processing',
      tip: 'Your image is processing in background, you can get this image using fetch API: here is link for fetch api : https://docs.modelslab.com',
      eta: Math.max(1, Math.round(eta * 10) / 10),
      messege: 'Try to fetch request after given estimated time',
      message: 'Try to fetch request after given estimated time',
      fetch_result: `${publicUrl}${fetchPath}/${job.id}`,
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
    body: {
      status: 'failed',
      id: job.id,
      message: 'Failed, Try Again',
      output: '',
      error: job.error ?? 'unknown error',
      ...trackIdOf(job),
    },
  };
}

/** What every service's result has: how long it took and where, and (images) the NSFW verdict. */
interface CommonResult {
  generationTime: number;
  timings?: Record<string, number>;
  nsfwContentDetected?: boolean;
}

/**
 * `meta` comes from the job's service definition; `base64Outputs` replaces the links when the request asked for base64.
 * `extraOutputs` names the files after the job's `outputs` (a mesh's `preview` and `turntable`): they get fields of their own.
 * `familyFields` adds a family's own top-level fields (voice's `links` and `audio_time`), given the output links.
 */
export function successBody(
  job: JobWithArtifacts,
  publicUrl: string,
  meta: Record<string, unknown>,
  base64Outputs?: string[],
  extraOutputs: readonly string[] = [],
  familyFields?: (links: string[]) => Record<string, unknown>,
): DialectResponse {
  const stored = storedRequest(job);
  const result = job.result as unknown as CommonResult;
  const ordered = [...job.artifacts].sort((a, b) => a.index - b.index);
  const all = ordered.map((a) => outputUrl(publicUrl, stored.artifactToken, job.id, a.index, artifactExtension(a, stored.extension)));
  const primary = extraOutputs.length ? stored.outputs : all.length;
  const links = all.slice(0, primary);
  const extras = Object.fromEntries(extraOutputs.flatMap((name, i) => (all[primary + i] ? [[name, all[primary + i]]] : [])));
  return {
    httpStatus: 200,
    body: {
      status: 'success',
      generationTime: Math.round(result.generationTime * 1000) / 1000,
      id: job.id,
      output: base64Outputs?.slice(0, primary) ?? links,
      proxy_links: links,
      ...extras,
      ...familyFields?.(links),
      nsfw_content_detected: result.nsfwContentDetected ?? false,
      meta,
      timings: result.timings,
      ...trackIdOf(job),
    },
  };
}
