import { EventEmitter } from 'node:events';
import {
  DEFAULT_CONSUME_OPTIONS,
  type ConsumeOptions,
  type DeadLetterHandler,
  type JobBus,
  type JobConsumer,
  type JobEvent,
  type JobHandler,
  type JobMessage,
  type ModelEviction,
  type ModelEvictionHandler,
  type PublishResult,
  type Subscription,
} from './job-bus';

interface QueuedJob {
  message: JobMessage;
  deliveries: number;
  notBefore: number;
  /** Set by the consumer that delivers it: its `maxDeliver`. */
  maxDeliver: number;
}

interface Queue {
  waiting: QueuedJob[];
  consumers: Set<InProcessConsumer>;
}

/**
 * Embedded-mode bus: queues in this process's memory with the same delivery rules as
 * JetStream (ack wait, redelivery, max deliveries, dead letter, de-duplication by id).
 * Nothing survives a restart; the database row stays the truth and start-up recovery
 * re-publishes unfinished jobs.
 */
export class InProcessJobBus implements JobBus {
  private readonly queues = new Map<string, Queue>();
  private readonly seen = new Map<string, number>();
  private readonly events = new EventEmitter();
  private readonly evictionHandlers = new Set<ModelEvictionHandler>();
  private deadLetter: DeadLetterHandler = async () => undefined;
  private closed = false;

  constructor(private readonly duplicateWindowMs = 120_000) {
    this.events.setMaxListeners(0);
  }

  async publish(input: Omit<JobMessage, 'headers'> & { headers?: Record<string, string> }): Promise<PublishResult> {
    this.assertOpen();
    const now = Date.now();
    const seenAt = this.seen.get(input.id);
    if (seenAt !== undefined && now - seenAt < this.duplicateWindowMs) return { duplicate: true };
    this.seen.set(input.id, now);
    this.forgetOldIds(now);
    const queue = this.queue(input.service, input.pool);
    queue.waiting.push({ message: { ...input, headers: input.headers ?? {} }, deliveries: 0, notBefore: 0, maxDeliver: Infinity });
    this.dispatch(queue);
    return { duplicate: false };
  }

  async consume(service: string, pool: string, handler: JobHandler, options: ConsumeOptions = {}): Promise<JobConsumer> {
    this.assertOpen();
    const queue = this.queue(service, pool);
    const consumer = new InProcessConsumer(this, queue, handler, { ...DEFAULT_CONSUME_OPTIONS, ...options });
    queue.consumers.add(consumer);
    this.dispatch(queue);
    return consumer;
  }

  onDeadLetter(handler: DeadLetterHandler): void {
    this.deadLetter = handler;
  }

  async publishEvent(event: Omit<JobEvent, 'headers'> & { headers?: Record<string, string> }): Promise<void> {
    const full: JobEvent = { ...event, headers: event.headers ?? {} };
    // Delivered asynchronously, as a network bus would.
    setImmediate(() => {
      this.events.emit(`job:${full.jobId}`, full);
      this.events.emit('job:*', full);
    });
  }

  async subscribeEvents(jobId: string, handler: (event: JobEvent) => void): Promise<Subscription> {
    const name = `job:${jobId}`;
    this.events.on(name, handler);
    return { unsubscribe: async () => void this.events.off(name, handler) };
  }

  async publishModelEviction(eviction: ModelEviction): Promise<void> {
    this.assertOpen();
    // One process: the answer to model_reload can wait until the sessions are really gone.
    await Promise.allSettled([...this.evictionHandlers].map(async (handler) => handler({ ...eviction })));
  }

  async subscribeModelEvictions(handler: ModelEvictionHandler): Promise<Subscription> {
    const own = (eviction: ModelEviction) => handler(eviction);
    this.evictionHandlers.add(own);
    return { unsubscribe: async () => void this.evictionHandlers.delete(own) };
  }

  async pending(service: string, pool: string): Promise<number> {
    return this.queue(service, pool).waiting.length;
  }

  async close(): Promise<void> {
    // Like closing a connection: stop delivering and forget queued work; handlers still
    // running are not awaited (call a consumer's drain() first for a graceful stop).
    this.closed = true;
    for (const queue of this.queues.values()) for (const consumer of queue.consumers) consumer.stop();
    this.queues.clear();
    this.events.removeAllListeners();
    this.evictionHandlers.clear();
  }

  /** @internal Called by consumers to hand a job back or pass it to the dead letter. */
  requeue(queue: Queue, job: QueuedJob, delayMs: number): void {
    if (this.closed) return;
    if (job.deliveries >= job.maxDeliver) {
      void this.deadLetter(job.message, job.deliveries).catch(() => undefined);
      return;
    }
    job.notBefore = Date.now() + delayMs;
    queue.waiting.push(job);
    this.dispatch(queue);
  }

  /** @internal Offers waiting jobs to consumers with free slots. */
  dispatch(queue: Queue): void {
    if (this.closed) return;
    const now = Date.now();
    for (const consumer of queue.consumers) {
      while (consumer.hasCapacity()) {
        const index = queue.waiting.findIndex((job) => job.notBefore <= now);
        if (index < 0) return this.wakeForDelayed(queue, now);
        const [job] = queue.waiting.splice(index, 1);
        consumer.deliver(job);
      }
    }
  }

  /** Timers may fire a little early by the wall clock: make sure a delayed job is looked at again. */
  private wakeForDelayed(queue: Queue, now: number): void {
    const next = Math.min(...queue.waiting.map((job) => job.notBefore));
    if (Number.isFinite(next)) setTimeout(() => this.dispatch(queue), Math.max(1, next - now + 1)).unref();
  }

  private queue(service: string, pool: string): Queue {
    const key = `${service}.${pool}`;
    let queue = this.queues.get(key);
    if (!queue) {
      queue = { waiting: [], consumers: new Set() };
      this.queues.set(key, queue);
    }
    return queue;
  }

  private forgetOldIds(now: number): void {
    if (this.seen.size < 10_000) return;
    for (const [id, at] of this.seen) if (now - at >= this.duplicateWindowMs) this.seen.delete(id);
  }

  private assertOpen(): void {
    if (this.closed) throw new Error('job bus is closed');
  }
}

class InProcessConsumer implements JobConsumer {
  private readonly inFlight = new Set<Promise<void>>();
  private draining = false;

  constructor(
    private readonly bus: InProcessJobBus,
    private readonly queue: Queue,
    private readonly handler: JobHandler,
    private readonly options: Required<ConsumeOptions>,
  ) {}

  hasCapacity(): boolean {
    return !this.draining && this.inFlight.size < this.options.concurrency;
  }

  deliver(job: QueuedJob): void {
    job.deliveries += 1;
    job.maxDeliver = this.options.maxDeliver;
    const run = this.run(job).finally(() => {
      this.inFlight.delete(run);
      this.bus.dispatch(this.queue);
    });
    this.inFlight.add(run);
  }

  stop(): void {
    this.draining = true;
    this.queue.consumers.delete(this);
  }

  async drain(): Promise<void> {
    this.stop();
    await Promise.all([...this.inFlight]);
  }

  private async run(job: QueuedJob): Promise<void> {
    let settled = false;
    let timer: NodeJS.Timeout | undefined;
    const armAckTimer = () => {
      clearTimeout(timer);
      timer = setTimeout(() => {
        // Like JetStream: an unacknowledged job is offered again, even if the first handler is still running.
        if (settled) return;
        settled = true;
        this.bus.requeue(this.queue, job, 0);
      }, this.options.ackWaitMs);
      timer.unref();
    };
    armAckTimer();
    try {
      await this.handler({
        ...job.message,
        deliveryCount: job.deliveries,
        inProgress: async () => {
          if (!settled) armAckTimer();
        },
      });
      settled = true;
    } catch {
      if (!settled) {
        settled = true;
        this.bus.requeue(this.queue, job, this.options.retryDelayMs);
      }
    } finally {
      clearTimeout(timer);
    }
  }
}
