/** Milliseconds since the epoch; injectable so tests move time instead of sleeping. */
export type Clock = () => number;
export const systemClock: Clock = () => Date.now();

/** What one hit on a bucket found. */
export interface HitResult {
  /** True when the hit was counted; false when the window already held `limit` hits. */
  allowed: boolean;
  /** Hits in the current window (this one included when counted). */
  hits: number;
  /** When the current window ends (ms since the epoch). */
  windowEndsAt: number;
  /** How long until the window ends, 0 or more (ms). */
  retryAfterMs: number;
}

/**
 * Windowed hit counters keyed by bucket, the storage behind the spam filter and the
 * requests-per-minute limit. A bucket's window opens with its first hit (or the first
 * hit after the previous window ended) and lasts `windowMs`; within it at most `limit`
 * hits are counted, the rest are refused. Exact under concurrent callers.
 *
 * Two implementations: in memory (embedded mode, one process) and PostgreSQL
 * (distributed mode, shared by every gateway replica). Both pass limit-store.test.ts.
 */
export interface LimitStore {
  hit(bucket: string, limit: number, windowMs: number): Promise<HitResult>;
  /** Takes back one hit counted in the window ending at `windowEndsAt`; a no-op once another window began. */
  release(bucket: string, windowEndsAt: number): Promise<void>;
  /** Forgets buckets whose window has ended; returns how many. Also done on its own from time to time. */
  sweep(): Promise<number>;
}

/** How often a store sweeps ended windows by itself, at most. */
export const SWEEP_INTERVAL_MS = 60_000;
