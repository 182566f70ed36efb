import type { JetStreamManager, NatsConnection, Subscription } from 'nats';
import { decodeJob } from './jetstream-codec';
import type { DeadLetterHandler } from './job-bus';
import { MAX_DELIVERIES_ADVISORIES, type JetStreamNames } from './jetstream-names';

interface MaxDeliveriesAdvisory {
  stream: string;
  consumer: string;
  stream_seq: number;
  deliveries: number;
}

/**
 * Turns the server's max-deliveries advisories into dead-letter calls. Both ways a job
 * runs out of deliveries end here: a handler that threw on its last delivery (the
 * consumer naks it, the server gives up) and a worker that died holding it (the ack
 * wait passes, the server gives up). The server sends the advisory once per job; the
 * queue group hands it to one listener among all processes sharing the stream prefix,
 * and the job is removed from its stream once handled.
 */
export class DeadLetterListener {
  private readonly subscription: Subscription;
  private readonly running = new Set<Promise<void>>();

  constructor(
    connection: NatsConnection,
    private readonly manager: JetStreamManager,
    private readonly names: JetStreamNames,
    private readonly handler: DeadLetterHandler,
  ) {
    this.subscription = connection.subscribe(MAX_DELIVERIES_ADVISORIES, {
      queue: `${names.prefix}dead-letter`,
      callback: (error, message) => {
        if (error) return;
        const run = this.handle(message.json<MaxDeliveriesAdvisory>()).catch(() => undefined);
        this.running.add(run);
        void run.finally(() => this.running.delete(run));
      },
    });
  }

  async close(): Promise<void> {
    this.subscription.unsubscribe();
    await Promise.all([...this.running]);
  }

  private async handle(advisory: MaxDeliveriesAdvisory): Promise<void> {
    // Other deployments' streams share the advisory subject; only ours are handled here. A stream
    // name alone is ambiguous (prefix `easel-` + service `x-y` = prefix `easel-x-` + service `y`);
    // the job's subject, which starts with `<prefix>jobs.`, is not.
    if (!advisory.stream.startsWith(this.names.prefix)) return;
    const stored = await this.manager.streams.getMessage(advisory.stream, { seq: advisory.stream_seq });
    if (!this.names.ownsJobSubject(stored.subject)) return;
    const job = decodeJob(this.names, { subject: stored.subject, data: stored.data, headers: stored.header });
    await this.handler(job, advisory.deliveries);
    await this.manager.streams.deleteMessage(advisory.stream, advisory.stream_seq, false);
  }
}
