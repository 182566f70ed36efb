import { ServiceError, type JobPayload } from '@easel/contracts';

export interface JobOutput {
  /** Stored as the job's result JSON. */
  result: Record<string, unknown>;
  files: { body: Buffer; contentType: string; extension: string }[];
  /** What the job really cost, when it is priced by use (a chat reply's tokens): the rest of its hold is released. */
  creditsUsed?: number;
}

/** What a long job reports beside its step: its own estimate of the time left, a training's loss. */
export interface ProgressDetail {
  /** Seconds left, as the job itself measures them (a resumed training knows better than the runner). */
  eta?: number;
  loss?: number;
  /** Kept with the job row for its status endpoint (a training's step, loss and log tail). */
  record?: Record<string, unknown>;
  /** A chat reply's new text: every piece reaches the bus (none is throttled away), in order. */
  text?: string;
}

export interface JobContext {
  /**
   * Report a step; the runner throttles what reaches the database and the bus. `preview` draws a
   * small PNG of the current state; the runner calls it only for the steps whose event carries one.
   * `phase` names the pass of a multi-pass job (`highres_refine`); step and total count every pass.
   */
  progress(
    step: number,
    total: number,
    preview?: () => Promise<Uint8Array | undefined>,
    phase?: string,
    detail?: ProgressDetail,
  ): void;
  signal: AbortSignal;
}

/** One service's work (diffusion, upscaling...): turns a payload into files and a result. */
export interface ServiceHandler {
  readonly service: string;
  run(payload: JobPayload, context: JobContext): Promise<JobOutput>;
  close?(): Promise<void>;
}

/**
 * A failure that running the job again cannot fix (bad input, unknown model): the job fails at
 * once instead of being redelivered. A ServiceError that is not retryable.
 */
export class PermanentJobError extends ServiceError {
  constructor(message: string, field?: string, code = 'invalid_argument') {
    super(code, message, field === undefined ? {} : { field });
  }
}
