/** Share of a wait added at random, so receivers that were down are not hit by every retry at once. */
export const JITTER = 0.2;

/**
 * Milliseconds to wait after failed attempt number `attempt` (1-based): the schedule's entry
 * for it (the last one repeats) plus up to 20% jitter.
 */
export function backoffDelay(
  attempt: number,
  scheduleMs: readonly number[],
  random: () => number = Math.random,
): number {
  if (scheduleMs.length === 0) return 0;
  const base = scheduleMs[Math.min(Math.max(attempt, 1), scheduleMs.length) - 1];
  return Math.round(base * (1 + JITTER * random()));
}
