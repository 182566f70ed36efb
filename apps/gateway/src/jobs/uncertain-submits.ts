import { Logger } from '@nestjs/common';
import { ConcurrencyLimitError, InsufficientCreditsError, SpamRefusedError, type Job } from '@easel/db';

/** Allowance for the gateway's clock against the database's (created_at is the database's now()). */
const CLOCK_MARGIN_MS = 10_000;
/**
 * Only jobs younger than this are published again: well inside the bus's de-duplication window
 * (120 s on both buses), so a job that did reach the bus is dropped there, not queued twice.
 */
const MAX_AGE_MS = 60_000;
const SWEEP_EVERY_MS = 2_000;

export interface UnstartedJobs {
  unstartedCreatedBetween(from: Date, to: Date): Promise<Job[]>;
}

/** A refusal is a clear answer (nothing was written); any other submit error leaves it unknown whether the job was. */
export function isUncertainSubmitError(error: unknown): boolean {
  return !(error instanceof ConcurrencyLimitError || error instanceof InsufficientCreditsError || error instanceof SpamRefusedError);
}

/**
 * A submit whose statement failed in flight (PostgreSQL restarting, the connection cut) may
 * have committed its job with the gateway never learning the id: a queued row, its credits
 * held, on no bus, until some gateway restarts. Once the database answers again, every job
 * written during such a submit and not yet started is published again; the bus drops those it
 * already has (same id within its duplicate window), so only the lost ones run.
 */
export class UncertainSubmits {
  private readonly logger = new Logger('Jobs');
  private window: { from: number; to: number } | null = null;
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly jobs: UnstartedJobs,
    private readonly publish: (job: Job) => Promise<void>,
    private readonly sweepEveryMs = SWEEP_EVERY_MS,
  ) {}

  /** A submit that began at `startedAt` failed at `failedAt` without a clear answer. */
  note(startedAt: number, failedAt = Date.now()): void {
    const from = startedAt - CLOCK_MARGIN_MS;
    const to = failedAt + CLOCK_MARGIN_MS;
    this.window = this.window ? { from: Math.min(this.window.from, from), to: Math.max(this.window.to, to) } : { from, to };
    this.schedule();
  }

  close(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  private schedule() {
    if (this.timer) return;
    this.timer = setTimeout(() => void this.sweep(), this.sweepEveryMs);
    this.timer.unref();
  }

  private async sweep() {
    this.timer = undefined;
    const window = this.window;
    if (!window) return;
    const oldest = Date.now() - MAX_AGE_MS;
    if (window.from < oldest) {
      this.logger.warn(`jobs written before ${new Date(oldest).toISOString()} by a failed submit wait for the next gateway start`);
      window.from = oldest;
    }
    try {
      const jobs = window.from <= window.to ? await this.jobs.unstartedCreatedBetween(new Date(window.from), new Date(window.to)) : [];
      for (const job of jobs) await this.publish(job);
      if (jobs.length > 0) this.logger.log(`offered ${jobs.length} unstarted job(s) to the bus again after a submit failed in flight (it drops those it has)`);
      if (this.window === window) this.window = null;
      else this.schedule(); // another failure widened the window meanwhile
    } catch (error) {
      this.logger.warn(`after a failed submit, unstarted jobs not yet published again (${(error as Error).message}); retrying`);
      this.schedule();
    }
  }
}
