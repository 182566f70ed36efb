/**
 * Stream, consumer and subject names for the JetStream bus. Service, pool and job ids
 * become single subject tokens, so they are checked rather than escaped: two different
 * names must never map to one subject.
 */
const TOKEN = /^[A-Za-z0-9_-]+$/;

export function assertToken(kind: string, value: string): void {
  if (!TOKEN.test(value)) throw new Error(`invalid ${kind} ${JSON.stringify(value)}: use letters, digits, '-' and '_'`);
}

export const jobSubject = (service: string, pool: string) => `jobs.${service}.${pool}`;
export const serviceSubjects = (service: string) => `jobs.${service}.*`;
export const eventSubject = (jobId: string) => `events.job.${jobId}`;

export const streamName = (prefix: string, service: string) => `${prefix}${service}`;
export const consumerName = (pool: string) => `pool-${pool}`;

/** Published by the server when a consumer gives up on a message; one subject per stream and consumer. */
export const MAX_DELIVERIES_ADVISORIES = '$JS.EVENT.ADVISORY.CONSUMER.MAX_DELIVERIES.*.*';

/** `jobs.<service>.<pool>` back to its parts. */
export function parseJobSubject(subject: string): { service: string; pool: string } {
  const [root, service, pool, ...rest] = subject.split('.');
  if (root !== 'jobs' || !service || !pool || rest.length > 0) throw new Error(`not a job subject: ${subject}`);
  return { service, pool };
}
