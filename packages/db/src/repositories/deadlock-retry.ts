import { setTimeout as sleep } from 'node:timers/promises';

/** PostgreSQL's SQLSTATE for "deadlock detected": the server aborted this statement to break a cycle. */
const DEADLOCK_DETECTED = '40P01';

/**
 * Runs a single self-committing statement again when PostgreSQL chose it as a deadlock's victim.
 * The victim's statement was rolled back whole, so running it again cannot apply it twice. Only for
 * one-statement writes: a transaction of several statements must be retried from its start by its owner.
 * A short random pause first lets the survivor commit, so the two do not meet in the same cycle again.
 */
export async function retryOnDeadlock<T>(run: () => Promise<T>, attempts = 5): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await run();
    } catch (error) {
      if (attempt >= attempts || (error as { code?: unknown }).code !== DEADLOCK_DETECTED) throw error;
      await sleep(Math.random() * 5 * attempt);
    }
  }
}
