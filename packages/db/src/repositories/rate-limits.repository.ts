import type { SqlExecutor } from '../sql-executor';

/** What one counted (or refused) hit on a bucket found. */
export interface CounterHit {
  /** True when the hit was counted; false when the window already held `limit` hits. */
  allowed: boolean;
  /** Hits in the current window, this one included when it was counted. */
  hits: number;
  /** When the current window ends; null only when a refused bucket vanished meanwhile. */
  windowEndsAt: Date | null;
}

interface CounterRow {
  hits: number;
  window_ends_at: Date;
}

/**
 * Windowed hit counters in the `rate_limit_counters` table, one row per bucket. A window
 * opens with the first hit on a bucket (or the first after the previous window ended)
 * and lasts `windowMs`. Counting is one `INSERT ... ON CONFLICT DO UPDATE ... WHERE`
 * statement: PostgreSQL locks the row and re-checks the condition on its newest version,
 * so concurrent callers on any number of connections never count past the limit.
 * Times come from the caller (its clock), not from the database server.
 */
export class RateLimitsRepository {
  constructor(private readonly sql: SqlExecutor) {}

  /** Counts `count` hits at once (a replica's share, see PostgresLimitStore) when they all fit under `limit`, or none. */
  async hit(bucket: string, limit: number, windowMs: number, now: Date, count = 1): Promise<CounterHit> {
    const windowEndsAt = new Date(now.getTime() + windowMs);
    const counted = await this.sql.query<CounterRow>(
      `INSERT INTO rate_limit_counters AS c (bucket, hits, window_ends_at) VALUES ($1, $5, $3)
       ON CONFLICT (bucket) DO UPDATE SET
         hits = CASE WHEN c.window_ends_at <= $2 THEN $5 ELSE c.hits + $5 END,
         window_ends_at = CASE WHEN c.window_ends_at <= $2 THEN EXCLUDED.window_ends_at ELSE c.window_ends_at END
       WHERE c.window_ends_at <= $2 OR c.hits + $5 <= $4
       RETURNING c.hits, c.window_ends_at`,
      [bucket, now, windowEndsAt, limit, count],
    );
    if (counted.length === 1) return { allowed: true, hits: counted[0].hits, windowEndsAt: toDate(counted[0].window_ends_at) };
    const [current] = await this.sql.query<CounterRow>(
      'SELECT hits, window_ends_at FROM rate_limit_counters WHERE bucket = $1',
      [bucket],
    );
    return { allowed: false, hits: current?.hits ?? limit, windowEndsAt: current ? toDate(current.window_ends_at) : null };
  }

  /** Takes one hit back from the window that ends at `windowEndsAt`; nothing once another window began. */
  async release(bucket: string, windowEndsAt: Date): Promise<void> {
    await this.sql.query(
      'UPDATE rate_limit_counters SET hits = hits - 1 WHERE bucket = $1 AND window_ends_at = $2 AND hits > 0',
      [bucket, windowEndsAt],
    );
    await this.sql.query('DELETE FROM rate_limit_counters WHERE bucket = $1 AND window_ends_at = $2 AND hits <= 0', [
      bucket,
      windowEndsAt,
    ]);
  }

  /** Deletes the rows whose window has ended; returns how many. */
  async deleteExpired(now: Date): Promise<number> {
    const [{ deleted }] = await this.sql.query<{ deleted: number }>(
      `WITH gone AS (DELETE FROM rate_limit_counters WHERE window_ends_at <= $1 RETURNING 1)
       SELECT count(*)::int AS deleted FROM gone`,
      [now],
    );
    return deleted;
  }

  async count(): Promise<number> {
    const [{ n }] = await this.sql.query<{ n: number }>('SELECT count(*)::int AS n FROM rate_limit_counters');
    return n;
  }
}

/** node-postgres gives Date objects for timestamptz; PGlite does too, but stay safe with strings. */
function toDate(value: Date | string): Date {
  return value instanceof Date ? value : new Date(value);
}
