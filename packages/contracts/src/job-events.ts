/** Event types on `events.job.<id>`; `data` is JSON. */
export const JOB_PROGRESS = 'progress';
export const JOB_ENDED = 'ended';

export interface JobProgressEvent {
  step: number;
  total: number;
  /** Seconds the worker expects the job still needs. */
  eta: number;
}

export interface JobEndedEvent {
  status: 'success' | 'failed';
}

export const encodeEvent = (data: JobProgressEvent | JobEndedEvent): Uint8Array => new TextEncoder().encode(JSON.stringify(data));
export const decodeEvent = <T>(data: Uint8Array): T => JSON.parse(new TextDecoder().decode(data)) as T;
