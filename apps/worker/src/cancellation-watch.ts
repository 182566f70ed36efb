import type { JobsRepository } from '@easel/db';

/** The job was cancelled (or ended otherwise) while it ran: nothing more to do or retry. */
export class JobCancelledError extends Error {
  readonly code = 'cancelled';
  readonly retryable = false;
  constructor(jobId: number, status: string) {
    super(`job ${jobId} was ${status === 'failed' ? 'cancelled' : status} while it ran`);
    this.name = 'JobCancelledError';
  }
}

/**
 * Polls the job's row while a long job runs: when the gateway has ended it (cancel_training), the
 * returned signal aborts with a JobCancelledError. The row is the truth; no second channel to lose.
 */
export function watchForCancellation(
  jobs: JobsRepository,
  jobId: number,
  parent: AbortSignal,
  everyMs = 2_000,
): { signal: AbortSignal; stop(): void } {
  const controller = new AbortController();
  const onParent = () => controller.abort(parent.reason);
  parent.addEventListener('abort', onParent, { once: true });
  const timer = setInterval(() => {
    jobs
      .get(jobId)
      .then((job) => {
        if (job && job.status !== 'running' && job.status !== 'queued') controller.abort(new JobCancelledError(jobId, job.status));
      })
      .catch(() => undefined); // a missed poll is retried on the next tick
  }, everyMs);
  return {
    signal: controller.signal,
    stop() {
      clearInterval(timer);
      parent.removeEventListener('abort', onParent);
    },
  };
}
