import { Inject, Injectable } from '@nestjs/common';
import { ConcurrencyLimitError, JobsRepository, SpamRefusedError, type Database, type SpamMark } from '@easel/db';
import { RateLimitError } from '../common/api-errors';
import type { Principal } from '../keys/principal';
import { DATABASE } from '../tokens';
import { bodyFingerprint } from './canonical-json';
import type { LimitStore } from './limit-store';
import type { Clock } from './limit-store';
import { LIMIT_STORE, LIMITS_CLOCK } from './limits.tokens';
import { PostgresLimitStore } from './postgres-limit-store';

/** The spam filter's window: the same body from the same key within it is refused. */
export const SPAM_WINDOW_MS = 30_000;
/** The requests-per-minute window. */
export const RPM_WINDOW_MS = 60_000;
/** Retry-After for the concurrent-jobs limit before any job has finished to measure. */
const DEFAULT_JOB_SECONDS = 10;

/** A request let through; `release` takes its spam-filter mark back if it is refused later after all. */
export interface Admission {
  release(): Promise<void>;
  /**
   * On PostgreSQL the spam mark is set by the statement that accepts the job (one statement per
   * job): this is it, for JobsRepository.submit's `spamMark`; null when already checked or not due.
   */
  spamMark: SpamMark | null;
  /** The mark was found live by the job's statement: the request is refused and no longer counts per minute. */
  refusedAsSpam(error: SpamRefusedError): Promise<RateLimitError>;
}

export interface AdmitOptions {
  /** A request with an Idempotency-Key repeats on purpose: the spam filter leaves it alone. */
  idempotencyKey?: string | null;
  /** false: the spam filter leaves the request alone (the OpenAI-shaped chat routes: their clients repeat a request on purpose, e.g. to regenerate). */
  spamFilter?: boolean;
}

/**
 * Per-key limits on generation requests, checked after a request validated:
 * 1. the spam filter — the same body (canonical JSON, `key` included) from one key within
 *    30 s is refused (on PostgreSQL checked by the statement that accepts the job, see `spamMark`);
 * 2. requests per minute — `principal.rateLimitPerMinute` requests in a fixed 60 s window
 *    that opens with the key's first request (not aligned to the clock's minutes);
 * 3. concurrent jobs — `principal.maxConcurrentJobs` unfinished jobs, enforced by
 *    JobsRepository.submit under a per-key lock (see `maxUnfinishedFor`).
 * A limit below 1 is not enforced.
 */
@Injectable()
export class LimitsService {
  private readonly jobs: JobsRepository;

  private readonly markWithJob: boolean;

  constructor(
    @Inject(LIMIT_STORE) private readonly store: LimitStore,
    @Inject(DATABASE) db: Database,
    @Inject(LIMITS_CLOCK) private readonly clock: Clock,
  ) {
    this.jobs = new JobsRepository(db.prisma);
    // The PostgreSQL store keeps its marks in rate_limit_counters, which the job's statement can write.
    this.markWithJob = store instanceof PostgresLimitStore;
  }

  /** Counts the request against the spam filter and the per-minute limit, or throws RateLimitError. */
  async admit(principal: Principal, body: Record<string, unknown>, options: AdmitOptions = {}): Promise<Admission> {
    let spamMark: { bucket: string; windowEndsAt: number } | null = null;
    let deferred: SpamMark | null = null;
    if (!options.idempotencyKey && options.spamFilter !== false) {
      const bucket = `spam:${principal.keyId}:${bodyFingerprint(body)}`;
      if (this.markWithJob) {
        const now = this.clock();
        deferred = { bucket, windowEndsAt: new Date(now + SPAM_WINDOW_MS), now: new Date(now) };
        spamMark = { bucket, windowEndsAt: now + SPAM_WINDOW_MS };
      } else {
        const spam = await this.store.hit(bucket, 1, SPAM_WINDOW_MS);
        if (!spam.allowed) throw new RateLimitError(seconds(spam.retryAfterMs));
        spamMark = { bucket, windowEndsAt: spam.windowEndsAt };
      }
    }
    const release = async () => {
      const mark = spamMark;
      spamMark = null;
      // Best effort: failing to take the mark back only makes the client wait out the window.
      if (mark) await this.store.release(mark.bucket, mark.windowEndsAt).catch(() => undefined);
    };
    const perMinute = principal.rateLimitPerMinute;
    let counted: { bucket: string; windowEndsAt: number } | null = null;
    if (perMinute >= 1) {
      const bucket = `rpm:${principal.keyId}`;
      const rpm = await this.store.hit(bucket, perMinute, RPM_WINDOW_MS);
      if (!rpm.allowed) {
        if (!deferred) await release();
        const wait = seconds(rpm.retryAfterMs);
        throw new RateLimitError(
          wait,
          `rate limit of ${perMinute} requests per minute exceeded for this api key, please wait for ${wait} seconds and try again`,
        );
      }
      counted = { bucket, windowEndsAt: rpm.windowEndsAt };
    }
    const refusedAsSpam = async (error: SpamRefusedError) => {
      spamMark = null; // the live mark is another request's
      if (counted) await this.store.release(counted.bucket, counted.windowEndsAt).catch(() => undefined);
      const now = this.clock();
      return new RateLimitError(seconds(error.windowEndsAt ? error.windowEndsAt.getTime() - now : SPAM_WINDOW_MS));
    };
    return { release, spamMark: deferred, refusedAsSpam };
  }

  /** The cap to hand JobsRepository.submit as `maxUnfinishedForKey` (null: none). */
  maxUnfinishedFor(principal: Principal): number | null {
    return principal.maxConcurrentJobs >= 1 ? principal.maxConcurrentJobs : null;
  }

  /** The dialect's answer to a submit refused for the concurrent-jobs limit; Retry-After estimates one job's run time. */
  async concurrencyExceeded(error: ConcurrencyLimitError): Promise<RateLimitError> {
    const mean = await this.jobs.recentMeanSeconds().catch(() => null);
    const wait = seconds((mean ?? DEFAULT_JOB_SECONDS) * 1000);
    return new RateLimitError(
      wait,
      `concurrent jobs limit reached: this api key may have ${error.limit} jobs queued or running at once, please wait for one to finish (about ${wait} seconds) and try again`,
    );
  }
}

/** Whole seconds to wait, at least 1. */
function seconds(ms: number): number {
  return Math.max(1, Math.ceil(ms / 1000));
}
