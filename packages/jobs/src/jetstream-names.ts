/**
 * Stream, consumer and subject names for the JetStream bus. Service, pool and job ids
 * become single subject tokens, so they are checked rather than escaped: two different
 * names must never map to one subject.
 */
const TOKEN = /^[A-Za-z0-9_-]+$/;
const PREFIX = /^[A-Za-z0-9_-]*$/;

export function assertToken(kind: string, value: string): void {
  if (!TOKEN.test(value)) throw new Error(`invalid ${kind} ${JSON.stringify(value)}: use letters, digits, '-' and '_'`);
}

/**
 * One deployment's names. The stream prefix (`EASEL_STREAM_PREFIX`, e.g. `easel-`) starts
 * every stream and every subject, so deployments or test runs sharing a NATS server never
 * see each other's jobs or events (and their streams' subjects never overlap, which
 * JetStream would refuse):
 *   stream `<prefix><service>`, subjects `<prefix>jobs.<service>.<pool>`, consumer `pool-<pool>`,
 *   events `<prefix>events.job.<id>`, model evictions `<prefix>control.models.evict`.
 * The prefix has no dots, so the first subject token tells the deployment apart exactly.
 */
export class JetStreamNames {
  constructor(readonly prefix: string) {
    if (!PREFIX.test(prefix)) throw new Error(`invalid stream prefix ${JSON.stringify(prefix)}: use letters, digits, '-' and '_'`);
  }

  jobSubject = (service: string, pool: string) => `${this.prefix}jobs.${service}.${pool}`;
  serviceSubjects = (service: string) => `${this.prefix}jobs.${service}.*`;
  eventSubject = (jobId: string) => `${this.prefix}events.job.${jobId}`;
  modelEvictionSubject = () => `${this.prefix}control.models.evict`;
  streamName = (service: string) => `${this.prefix}${service}`;
  consumerName = (pool: string) => `pool-${pool}`;

  /** The job id of an event subject of this deployment. */
  eventJobId(subject: string): string {
    const root = this.eventSubject('');
    if (!subject.startsWith(root)) throw new Error(`not an event subject of prefix ${JSON.stringify(this.prefix)}: ${subject}`);
    return subject.slice(root.length);
  }

  /** `<prefix>jobs.<service>.<pool>` back to its parts; throws for another deployment's subject. */
  parseJobSubject(subject: string): { service: string; pool: string } {
    const [root, service, pool, ...rest] = subject.split('.');
    if (root !== `${this.prefix}jobs` || !service || !pool || rest.length > 0) throw new Error(`not a job subject of prefix ${JSON.stringify(this.prefix)}: ${subject}`);
    return { service, pool };
  }

  ownsJobSubject(subject: string): boolean {
    return subject.split('.')[0] === `${this.prefix}jobs`;
  }
}

/** Published by the server when a consumer gives up on a message; one subject per stream and consumer. */
export const MAX_DELIVERIES_ADVISORIES = '$JS.EVENT.ADVISORY.CONSUMER.MAX_DELIVERIES.*.*';
