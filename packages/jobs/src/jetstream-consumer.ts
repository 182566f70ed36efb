import { createInbox, nanos, type Msg, type NatsConnection, type Subscription } from 'nats';
import { decodeJob } from './jetstream-codec';
import type { JetStreamNames } from './jetstream-names';
import { JetStreamDelivery } from './jetstream-delivery';
import type { ConsumeOptions, JobConsumer, JobHandler } from './job-bus';

export interface PullOptions extends Required<ConsumeOptions> {
  /** How long one idle pull request waits on the server; drain() may wait this long for it. */
  pullExpiresMs: number;
}

/** The durable pull consumer to take jobs from. */
export interface PullSource {
  connection: NatsConnection;
  /** To read a delivered message's subject back into service and pool. */
  names: JetStreamNames;
  stream: string;
  consumer: string;
  inboxPrefix?: string;
}

interface OpenPull {
  /** Set once the pull is half way to its expiry: a fresh one is then asked for beside it. */
  ageing: boolean;
  timers: NodeJS.Timeout[];
}

interface HeldDelivery {
  delivery: JetStreamDelivery;
  keepAlive: NodeJS.Timeout;
}

/** Wait after a pull the server refused (consumer deleted, JetStream unavailable) before the next. */
const RETRY_MS = 500;

/**
 * Pulls one message per free handler slot, so the server holds no jobs for this worker
 * that it is not yet working on (a buffered job would burn its ack wait unseen).
 *
 * Pull requests are plain NATS requests to `$JS.API.CONSUMER.MSG.NEXT`, answered on one
 * inbox subscription that lives as long as the consumer. Two rules keep every request the
 * server holds for us valid, which NATS servers before 2.10 need: when a redelivery (ack
 * wait passed, or a nak) comes due and the only waiting requests have expired or lost their
 * listener, such a server discards the redelivery and rewinds its stream cursor, so the
 * unacknowledged job goes out again as a *first* delivery (delivery count 1) while its first
 * worker may still hold it.
 *
 * - A request is never abandoned: the inbox stays subscribed until the server has ended
 *   every request sent to it (a message, or a 408 when it expires). The library's fetch()
 *   gave up on its own timer and after missed heartbeats, unsubscribing from requests the
 *   server still held and then delivered into, so jobs were lost or handed out twice.
 * - A request is never left to expire alone: half way to its expiry a fresh one joins it, so
 *   the server always has an unexpired request of ours behind the one that is ending.
 *
 * The overlap can bring one job more than there are free slots; it waits for a slot here,
 * kept from redelivery by progress notices.
 */
export class JetStreamConsumer implements JobConsumer {
  private readonly inFlight = new Set<Promise<void>>();
  private readonly held: HeldDelivery[] = [];
  private readonly pulls = new Map<string, OpenPull>();
  private readonly subscription: Subscription;
  private readonly inbox: string;
  private readonly nextSubject: string;
  private pullCount = 0;
  private stopped = false;
  private retryAt = 0;
  private retryTimer: NodeJS.Timeout | undefined;
  private pullsEnded: (() => void) | undefined;

  constructor(
    private readonly source: PullSource,
    private readonly handler: JobHandler,
    private readonly options: PullOptions,
  ) {
    this.inbox = createInbox(source.inboxPrefix);
    this.nextSubject = `$JS.API.CONSUMER.MSG.NEXT.${source.stream}.${source.consumer}`;
    this.subscription = source.connection.subscribe(`${this.inbox}.*`, {
      callback: (error, message) => (error ? this.stop() : this.receive(message)),
    });
    this.pump();
  }

  /** Stops pulling at once, abandoning open pulls (the bus is closing its connection). */
  stop(): void {
    if (this.stopped && this.pulls.size === 0) return;
    this.stopped = true;
    clearTimeout(this.retryTimer);
    for (const reply of [...this.pulls.keys()]) this.endPull(reply);
    this.handBackHeld();
    safely(() => this.subscription.unsubscribe());
  }

  async drain(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.retryTimer);
    this.handBackHeld();
    // Open pulls are left to finish rather than cut: a pull nobody listens to any more is
    // exactly what makes an older server hand a held job out again (see above).
    const ended =
      this.pulls.size === 0 ? Promise.resolve() : new Promise<void>((resolve) => (this.pullsEnded = resolve));
    await Promise.all([ended, ...this.inFlight]);
    safely(() => this.subscription.unsubscribe());
  }

  private receive(message: Msg): void {
    if (JetStreamDelivery.isDelivery(message)) {
      // A delivered job carries its stream subject, not the request's inbox, so it cannot
      // name the request it answers. The server serves waiting requests in the order they
      // came (one message each), so it answered our oldest open one.
      const oldest = this.pulls.keys().next();
      if (!oldest.done) this.endPull(oldest.value);
      this.accept(new JetStreamDelivery(message));
    } else {
      const code = message.headers?.code ?? 0;
      if (code === 100) return; // idle heartbeat (not asked for)
      this.endPull(message.subject);
      // 408: the pull expired with nothing to deliver, the normal end of an idle pull. Any
      // other status (409 consumer deleted, 503 no JetStream, ...) refused it: pause first.
      if (code !== 408) this.retryAt = Date.now() + RETRY_MS;
    }
    this.pump();
  }

  private accept(delivery: JetStreamDelivery): void {
    // A pull still open when drain() began may bring one more job: hand it straight back.
    if (this.stopped) return safely(() => delivery.nak());
    if (this.inFlight.size < this.options.concurrency) return this.start(delivery);
    const keepAlive = setInterval(
      () => safely(() => delivery.working()),
      Math.max(50, this.options.ackWaitMs / 3),
    );
    this.held.push({ delivery, keepAlive });
  }

  /** Asks for a job while a slot is free and no request of ours has more than half its life ahead. */
  private pump(): void {
    if (this.stopped) return;
    while (this.held.length > 0 && this.inFlight.size < this.options.concurrency) {
      const { delivery, keepAlive } = this.held.shift()!;
      clearInterval(keepAlive);
      this.start(delivery);
    }
    if (this.inFlight.size + this.held.length >= this.options.concurrency) return;
    const wait = this.retryAt - Date.now();
    if (wait > 0) {
      this.retryTimer ??= setTimeout(() => {
        this.retryTimer = undefined;
        this.pump();
      }, wait);
      return;
    }
    if ([...this.pulls.values()].some((pull) => !pull.ageing)) return;
    this.sendPull();
  }

  private sendPull(): void {
    const expires = this.options.pullExpiresMs;
    const reply = `${this.inbox}.${++this.pullCount}`;
    const pull: OpenPull = { ageing: false, timers: [] };
    pull.timers.push(
      setTimeout(() => {
        pull.ageing = true;
        this.pump();
      }, expires / 2),
      // The server ends every request, at the latest with a 408 when it expires; one that has
      // not been heard of long after (server restarted, connection lost) is given up on. Its
      // inbox stays subscribed, so a job it still brings is taken all the same.
      setTimeout(
        () => {
          this.endPull(reply);
          this.pump();
        },
        2 * expires + 1_000,
      ),
    );
    this.pulls.set(reply, pull);
    try {
      this.source.connection.publish(
        this.nextSubject,
        JSON.stringify({ batch: 1, expires: nanos(expires) }),
        { reply },
      );
    } catch {
      this.endPull(reply); // connection closed: the bus is shutting down
      this.retryAt = Date.now() + RETRY_MS;
    }
  }

  private endPull(reply: string): void {
    const pull = this.pulls.get(reply);
    if (!pull) return;
    for (const timer of pull.timers) clearTimeout(timer);
    this.pulls.delete(reply);
    if (this.pulls.size === 0) this.pullsEnded?.();
  }

  private handBackHeld(): void {
    for (const { delivery, keepAlive } of this.held.splice(0)) {
      clearInterval(keepAlive);
      safely(() => delivery.nak());
    }
  }

  private start(delivery: JetStreamDelivery): void {
    const run = this.handle(delivery).finally(() => {
      this.inFlight.delete(run);
      this.pump();
    });
    this.inFlight.add(run);
  }

  private async handle(delivery: JetStreamDelivery): Promise<void> {
    const { deliveryCount } = delivery;
    let job;
    try {
      job = decodeJob(this.source.names, delivery.message);
    } catch {
      return safely(() => delivery.term('not a job message')); // no retry can make it readable
    }
    try {
      await this.handler({
        ...job,
        deliveryCount,
        inProgress: async () => safely(() => delivery.working()),
      });
      safely(() => delivery.ack());
    } catch {
      // On the last delivery, nak without delay: the server then gives up at once and
      // publishes the max-deliveries advisory that routes the job to the dead letter.
      const last = deliveryCount >= this.options.maxDeliver;
      safely(() => delivery.nak(last ? undefined : this.options.retryDelayMs));
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
