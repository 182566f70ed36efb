import type { Job } from '@easel/db';

/** What the gateway keeps in `jobs.request`: everything needed to publish the job again after a restart. */
export interface StoredJobRequest {
  params: Record<string, unknown>;
  artifactToken: string;
  /** Values that `meta` must show differently from the request (what was really done). */
  metaOverrides?: Record<string, unknown>;
  /** How many files the job will produce (future_links). */
  outputs: number;
  extension: string;
}

export const storedRequest = (job: Pick<Job, 'request'>) => job.request as unknown as StoredJobRequest;
