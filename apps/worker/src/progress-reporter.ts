import { encodeEvent, JOB_PROGRESS } from '@easel/contracts';
import type { JobsRepository } from '@easel/db';
import type { JobBus, JobDelivery } from '@easel/jobs';

/**
 * Forwards a job's steps to the bus (events + ack-deadline heartbeat) and the database
 * (progress, eta), at most once per `intervalMs` so a fast model does not flood either.
 */
export class ProgressReporter {
  private readonly startedAt = performance.now();
  private lastSent = -Infinity;
  private pending: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly bus: JobBus,
    private readonly jobs: JobsRepository,
    private readonly delivery: JobDelivery,
    private readonly jobId: number,
    private readonly intervalMs = 250,
  ) {}

  step(step: number, total: number): void {
    const now = performance.now();
    if (step < total && now - this.lastSent < this.intervalMs) return;
    this.lastSent = now;
    const elapsed = (now - this.startedAt) / 1000;
    const eta = step > 0 ? (elapsed / step) * (total - step) : 0;
    const data = encodeEvent({ step, total, eta });
    this.pending = Promise.all([
      this.pending,
      this.delivery.inProgress(),
      this.bus.publishEvent({ jobId: String(this.jobId), type: JOB_PROGRESS, data }),
      this.jobs.reportProgress(this.jobId, step / total, eta),
    ]).catch(() => undefined); // progress is best-effort; the job's outcome is what counts
  }

  /** Waits for reports already sent, so none lands after the job has ended. */
  flush(): Promise<unknown> {
    return this.pending;
  }
}
