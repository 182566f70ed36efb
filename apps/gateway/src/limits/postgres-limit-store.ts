import { Logger } from '@nestjs/common';
import type { RateLimitsRepository } from '@easel/db';
import { SWEEP_INTERVAL_MS, systemClock, type Clock, type HitResult, type LimitStore } from './limit-store';

/**
 * Counters in PostgreSQL (`rate_limit_counters`), for distributed mode: every gateway
 * replica counts in the same rows. Each hit is one atomic upsert (see RateLimitsRepository).
 * Times come from this process's clock; replicas are expected to keep NTP time.
 */
export class PostgresLimitStore implements LimitStore {
  private readonly logger = new Logger('Limits');
  private lastSweep: number;
  private sweeping: Promise<unknown> | null = null;

  constructor(
    private readonly repository: RateLimitsRepository,
    private readonly clock: Clock = systemClock,
  ) {
    this.lastSweep = clock();
  }

  async hit(bucket: string, limit: number, windowMs: number): Promise<HitResult> {
    const now = this.clock();
    this.sweepIfDue(now);
    const result = await this.repository.hit(bucket, limit, windowMs, new Date(now));
    // A refused bucket that vanished meanwhile (swept, released): try again in a moment.
    const windowEndsAt = result.windowEndsAt?.getTime() ?? now;
    // A parallel request that read the clock after this one may have opened the window: never more than one window away.
    return { allowed: result.allowed, hits: result.hits, windowEndsAt, retryAfterMs: Math.min(windowMs, Math.max(0, windowEndsAt - now)) };
  }

  async release(bucket: string, windowEndsAt: number): Promise<void> {
    await this.repository.release(bucket, new Date(windowEndsAt));
  }

  async sweep(): Promise<number> {
    const now = this.clock();
    this.lastSweep = now;
    return this.repository.deleteExpired(new Date(now));
  }

  /** Deletes ended windows in the background, at most once per interval per process. */
  private sweepIfDue(now: number) {
    if (this.sweeping || now - this.lastSweep < SWEEP_INTERVAL_MS) return;
    this.sweeping = this.sweep()
      .catch((error: unknown) => this.logger.warn(`sweeping rate-limit counters failed: ${String(error)}`))
      .finally(() => (this.sweeping = null));
  }

  /** Waits for a background sweep in flight (for shutdown and tests). */
  async idle(): Promise<void> {
    await this.sweeping;
  }
}
