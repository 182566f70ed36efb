/**
 * What travels on the bus for one job (JSON). Services read `params` with their own
 * type (e.g. `DiffusionParams`); the protobuf contract in proto/ carries the same fields.
 */
export interface JobPayload<P = Record<string, unknown>> {
  jobId: number;
  tenantId: string;
  kind: string;
  modelId: string | null;
  /** Random per job; the public artifact links are `/output/<artifactToken>/<jobId>-<i>.<ext>`. */
  artifactToken: string;
  params: P;
}

export const encodeJobPayload = (payload: JobPayload<unknown>): Uint8Array => new TextEncoder().encode(JSON.stringify(payload));

export function decodeJobPayload<P>(data: Uint8Array): JobPayload<P> {
  const payload = JSON.parse(new TextDecoder().decode(data)) as JobPayload<P>;
  if (!Number.isInteger(payload.jobId) || typeof payload.tenantId !== 'string' || typeof payload.artifactToken !== 'string') {
    throw new Error('malformed job payload');
  }
  return payload;
}

/** The storage key of a job's i-th output, and the file name its public link ends with. */
export const artifactKey = (tenantId: string, jobId: number, index: number, ext: string) => `${tenantId}/${jobId}/${index}.${ext}`;
export const artifactFileName = (jobId: number, index: number, ext: string) => `${jobId}-${index}.${ext}`;
/** Artifact.token of a job's i-th output (unique, unguessable through the job token). */
export const artifactTokenFor = (jobToken: string, index: number) => `${jobToken}.${index}`;
