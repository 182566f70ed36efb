import { create, fromBinary, toBinary } from '@bufbuild/protobuf';
import { MalformedMessageError } from './malformed-message';
import { JobEventSchema, JobStatus } from './gen/easel/jobs/v1/job_pb';

/** Event types on the job event subject (the bus's event type); `data` is a binary `easel.jobs.v1.JobEvent`. */
export const JOB_PROGRESS = 'progress';
export const JOB_ENDED = 'ended';

export interface JobProgressEvent {
  step: number;
  total: number;
  /** Seconds the worker expects the job still needs. */
  eta: number;
  /** A small PNG preview of the current latents, on some steps only. */
  preview?: Uint8Array;
  /** The pass of a multi-pass job (`highres_base`, `highres_refine`); step and total count every pass. */
  phase?: string;
  /** A training's running loss. */
  loss?: number;
  /** A chat reply's text since the previous event. */
  text?: string;
}

export interface JobEndedEvent {
  status: 'success' | 'failed';
}

const STATUSES: Record<JobEndedEvent['status'], JobStatus> = {
  success: JobStatus.SUCCESS,
  failed: JobStatus.FAILED,
};

export function encodeEvent(data: JobProgressEvent | JobEndedEvent): Uint8Array {
  const event =
    'status' in data
      ? create(JobEventSchema, { event: { case: 'ended', value: { status: STATUSES[data.status] } } })
      : create(JobEventSchema, { event: { case: 'progress', value: { step: data.step, total: data.total, eta: data.eta, preview: data.preview, phase: data.phase, loss: data.loss, text: data.text } } });
  return toBinary(JobEventSchema, event);
}

/** Throws MalformedMessageError for bytes that are not a JobEvent with a known event. */
export function decodeEvent(data: Uint8Array): JobProgressEvent | JobEndedEvent {
  let message;
  try {
    message = fromBinary(JobEventSchema, data);
  } catch (error) {
    throw new MalformedMessageError(
      `malformed job event: not an easel.jobs.v1.JobEvent (${(error as Error).message})`,
      { cause: error },
    );
  }
  const { event } = message;
  if (event.case === 'progress') {
    const { step, total, eta, preview, phase, loss, text } = event.value;
    return {
      step,
      total,
      eta,
      ...(preview === undefined ? {} : { preview }),
      ...(phase === undefined ? {} : { phase }),
      ...(loss === undefined ? {} : { loss }),
      ...(text === undefined ? {} : { text }),
    };
  }
  if (event.case === 'ended') {
    if (event.value.status === JobStatus.SUCCESS) return { status: 'success' };
    if (event.value.status === JobStatus.FAILED) return { status: 'failed' };
    throw new MalformedMessageError(`malformed job event: unknown status ${event.value.status}`);
  }
  throw new MalformedMessageError('malformed job event: no event');
}
