/**
 * What travels on the bus for one job. JSON for now; the protobuf contract in proto/
 * replaces it in distributed mode without changing these fields.
 */
export interface JobPayload {
  jobId: number;
  tenantId: string;
  kind: string;
  modelId: string | null;
  params: Record<string, unknown>;
}

export const encodeJobPayload = (payload: JobPayload) => new TextEncoder().encode(JSON.stringify(payload));
export const decodeJobPayload = (data: Uint8Array) => JSON.parse(new TextDecoder().decode(data)) as JobPayload;

/** Event types published on `events.job.<id>`. */
export const JOB_ENDED = 'ended';
export const JOB_PROGRESS = 'progress';
