import { Logger } from '@nestjs/common';
import type { RateLimitsRepository } from '@easel/db';
import { SWEEP_INTERVAL_MS, systemClock, type Clock, type HitResult, type LimitStore } from './limit-store';
import { countsPerHit, shareOf, takeFromShare, type ReplicaShare } from './replica-shares';

/**
 * Counters in PostgreSQL (`rate_limit_counters`), for distributed mode: every gateway
 * replica counts in the same rows, each count one atomic upsert (see RateLimitsRepository).
 * A bucket with a high limit is counted in shares (see replica-shares.ts): the upsert takes a
 * share of hits for this replica, which then counts them in memory, so a busy key writes its
 * row once per share rather than once per request. Limits under 128 (the spam filter's 1, a
 * tenant's default requests per minute) are counted per hit, exactly as before.
 * Times come from this process's clock; replicas are expected to keep NTP time.
 */
export class PostgresLimitStore implements LimitStore {
  private readonly logger = new Logger('Limits');
  private lastSweep: number;
  private sweeping: Promise<unknown> | null = null;
  private readonly shares = new Map<string, ReplicaShare>();
  /** A share being fetched per bucket: parallel hits wait for it rather than each taking one. */
  private readonly fetching = new Map<string, Promise<HitResult | null>>();

  constructor(
    private readonly repository: RateLimitsRepository,
    private readonly clock: Clock = systemClock,
  ) {
    this.lastSweep = clock();
  }

  async hit(bucket: string, limit: number, windowMs: number): Promise<HitResult> {
    const share = shareOf(limit);
    if (share === 1) return this.hitShared(bucket, limit, windowMs, 1);
    for (;;) {
      const now = this.clock();
      const current = this.shares.get(bucket);
      if (takeFromShare(current, now)) return this.fromShare(current!, now);
      if (countsPerHit(current, now)) return this.hitShared(bucket, limit, windowMs, 1);
      const inFlight = this.fetching.get(bucket);
      if (inFlight) {
        await inFlight;
        continue;
      }
      const fetched = this.fetchShare(bucket, limit, windowMs, share);
      this.fetching.set(bucket, fetched);
      const refused = await fetched.finally(() => this.fetching.delete(bucket));
      // The limit has no room for a whole share: count this hit alone (what is left may be less than a share).
      if (refused) return this.hitShared(bucket, limit, windowMs, 1);
    }
  }

  /** Takes a share of hits into this replica's memory; the refusal when the shared row has no room for it. */
  private async fetchShare(bucket: string, limit: number, windowMs: number, share: number): Promise<HitResult | null> {
    const taken = await this.hitShared(bucket, limit, windowMs, share);
    if (!taken.allowed) {
      this.shares.set(bucket, { windowEndsAt: taken.windowEndsAt, left: 0, taken: taken.hits, perHit: true });
      return taken;
    }
    this.shares.set(bucket, { windowEndsAt: taken.windowEndsAt, left: share, taken: taken.hits });
    return null;
  }

  /** `hits` counts the whole share as used: this replica does not know the other replicas' use. */
  private fromShare(share: ReplicaShare, now: number): HitResult {
    return { allowed: true, hits: share.taken, windowEndsAt: share.windowEndsAt, retryAfterMs: share.windowEndsAt - now };
  }

  /** Counts `count` hits in the shared row. */
  private async hitShared(bucket: string, limit: number, windowMs: number, count: number): Promise<HitResult> {
    const now = this.clock();
    this.sweepIfDue(now);
    const result = await this.repository.hit(bucket, limit, windowMs, new Date(now), count);
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
    for (const [bucket, share] of this.shares) if (share.windowEndsAt <= now) this.shares.delete(bucket);
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
