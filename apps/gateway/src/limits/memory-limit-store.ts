import { SWEEP_INTERVAL_MS, systemClock, type Clock, type HitResult, type LimitStore } from './limit-store';

interface Window {
  hits: number;
  endsAt: number;
}

/**
 * Counters in this process's memory, for embedded mode (one gateway). Every operation
 * runs synchronously between awaits, so concurrent requests cannot interleave inside one.
 */
export class MemoryLimitStore implements LimitStore {
  private readonly windows = new Map<string, Window>();
  private lastSweep: number;

  constructor(private readonly clock: Clock = systemClock) {
    this.lastSweep = clock();
  }

  hit(bucket: string, limit: number, windowMs: number): Promise<HitResult> {
    const now = this.clock();
    this.sweepIfDue(now);
    let window = this.windows.get(bucket);
    if (!window || window.endsAt <= now) {
      window = { hits: 0, endsAt: now + windowMs };
      this.windows.set(bucket, window);
    }
    const allowed = window.hits < limit;
    if (allowed) window.hits++;
    return Promise.resolve({ allowed, hits: window.hits, windowEndsAt: window.endsAt, retryAfterMs: window.endsAt - now });
  }

  release(bucket: string, windowEndsAt: number): Promise<void> {
    const window = this.windows.get(bucket);
    if (window && window.endsAt === windowEndsAt && window.hits > 0) {
      window.hits--;
      if (window.hits === 0) this.windows.delete(bucket);
    }
    return Promise.resolve();
  }

  sweep(): Promise<number> {
    return Promise.resolve(this.sweepEnded(this.clock()));
  }

  private sweepIfDue(now: number) {
    if (now - this.lastSweep >= SWEEP_INTERVAL_MS) this.sweepEnded(now);
  }

  private sweepEnded(now: number): number {
    this.lastSweep = now;
    let removed = 0;
    for (const [bucket, window] of this.windows) {
      if (window.endsAt <= now) {
        this.windows.delete(bucket);
        removed++;
      }
    }
    return removed;
  }
}
