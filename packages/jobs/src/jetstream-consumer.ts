import type { Consumer, ConsumerMessages, JsMsg } from 'nats';
import { decodeJob } from './jetstream-codec';
import type { ConsumeOptions, JobConsumer, JobHandler } from './job-bus';

export interface PullOptions extends Required<ConsumeOptions> {
  /** How long one idle pull request waits on the server; drain() may wait this long for it. */
  pullExpiresMs: number;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Pulls one message per free handler slot, so the server never holds jobs for this
 * worker that it is not yet working on (a buffered job would burn its ack wait unseen).
 */
export class JetStreamConsumer implements JobConsumer {
  private readonly inFlight = new Set<Promise<void>>();
  private stopped = false;
  private slotFreed: (() => void) | undefined;
  private openPull: ConsumerMessages | undefined;
  private readonly loop: Promise<void>;

  constructor(
    private readonly source: Consumer,
    private readonly handler: JobHandler,
    private readonly options: PullOptions,
  ) {
    this.loop = this.pull();
  }

  /** Stops pulling at once, abandoning an open pull (the bus is closing its connection). */
  stop(): void {
    this.stopped = true;
    this.slotFreed?.();
    this.openPull?.stop();
  }

  async drain(): Promise<void> {
    // An open pull is left to finish rather than cut: a job the server already sent to
    // it would otherwise wait out its whole ack wait before anyone else could take it.
    this.stopped = true;
    this.slotFreed?.();
    await this.loop;
    await Promise.all([...this.inFlight]);
  }

  private async pull(): Promise<void> {
    while (!this.stopped) {
      if (this.inFlight.size >= this.options.concurrency) {
        await new Promise<void>((resolve) => (this.slotFreed = resolve));
        continue;
      }
      let message: JsMsg | null;
      try {
        message = await this.pullOne();
      } catch {
        if (!this.stopped) await sleep(500); // server restarting, consumer being recreated: try again
        continue;
      }
      if (!message) continue;
      // A pull still open when drain() began may bring one more job: hand it straight back.
      if (this.stopped) safely(() => message.nak());
      else this.track(this.handle(message));
    }
  }

  private async pullOne(): Promise<JsMsg | null> {
    const batch = await this.source.fetch({ max_messages: 1, expires: this.options.pullExpiresMs });
    this.openPull = batch;
    try {
      for await (const message of batch) return message;
      return null;
    } finally {
      this.openPull = undefined;
    }
  }

  private track(run: Promise<void>): void {
    const tracked = run.finally(() => {
      this.inFlight.delete(tracked);
      this.slotFreed?.();
    });
    this.inFlight.add(tracked);
  }

  private async handle(message: JsMsg): Promise<void> {
    const deliveryCount = message.info.deliveryCount;
    let job;
    try {
      job = decodeJob(message);
    } catch {
      return safely(() => message.term('not a job message')); // no retry can make it readable
    }
    try {
      await this.handler({
        ...job,
        deliveryCount,
        inProgress: async () => safely(() => message.working()),
      });
      safely(() => message.ack());
    } catch {
      // On the last delivery, nak without delay: the server then gives up at once and
      // publishes the max-deliveries advisory that routes the job to the dead letter.
      const last = deliveryCount >= this.options.maxDeliver;
      safely(() => message.nak(last ? undefined : this.options.retryDelayMs));
    }
  }
}

/** Acks travel on the connection; once it is closed the server's ack wait takes over. */
function safely(send: () => void): void {
  try {
    send();
  } catch {
    // connection closed: the job will be redelivered after its ack wait
  }
}
