import {
  AckPolicy,
  DeliverPolicy,
  RetentionPolicy,
  StorageType,
  connect,
  nanos,
  type ConnectionOptions,
  type ConsumerConfig,
  type JetStreamClient,
  type JetStreamManager,
  type Msg,
  type NatsConnection,
  type Subscription as NatsSubscription,
} from 'nats';
import { EVENT_TYPE_HEADER, fromNatsHeaders, toNatsHeaders } from './jetstream-codec';
import { JetStreamConsumer } from './jetstream-consumer';
import { DeadLetterListener } from './jetstream-dead-letter';
import { assertToken, JetStreamNames } from './jetstream-names';
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

export interface JetStreamJobBusOptions {
  /** NATS server URL(s); defaults to nats://127.0.0.1:4222. */
  servers?: string | string[];
  /**
   * Starts every stream (`<prefix><service>`) and subject (`<prefix>jobs.<service>.<pool>`,
   * `<prefix>events.job.<id>`): buses with different prefixes on one server never meet.
   * Default `easel-`; tests use a unique prefix.
   */
  streamPrefix?: string;
  /** How long the server remembers a job id for de-duplication. */
  duplicateWindowMs?: number;
  /** How long one idle pull waits on the server; bounds how long drain() of an idle consumer takes. */
  pullExpiresMs?: number;
  /** Extra connection options (credentials, TLS, name). */
  connection?: Omit<ConnectionOptions, 'servers'>;
}

const ANY_JOB = '*';

/**
 * Distributed-mode bus on NATS JetStream: one work-queue stream per service
 * (`<prefix>jobs.<service>.<pool>`), one durable pull consumer per service and pool, the job id
 * as `Nats-Msg-Id`, and progress events on core NATS (`<prefix>events.job.<id>`), which are
 * not kept: the database row holds the outcome.
 */
export class JetStreamJobBus implements JobBus {
  private readonly knownStreams = new Map<string, Promise<void>>();
  private readonly consumers = new Set<JetStreamConsumer>();
  private readonly subscriptions = new Set<NatsSubscription>();
  private deadLetter: DeadLetterListener | undefined;
  private closed = false;

  private constructor(
    private readonly connection: NatsConnection,
    private readonly client: JetStreamClient,
    private readonly manager: JetStreamManager,
    private readonly names: JetStreamNames,
    private readonly options: Required<Omit<JetStreamJobBusOptions, 'servers' | 'connection' | 'streamPrefix'>>,
    private readonly inboxPrefix: string | undefined,
  ) {}

  static async connect(options: JetStreamJobBusOptions = {}): Promise<JetStreamJobBus> {
    const names = new JetStreamNames(options.streamPrefix ?? 'easel-');
    const connection = await connect({ ...options.connection, servers: options.servers ?? 'nats://127.0.0.1:4222' });
    try {
      const manager = await connection.jetstreamManager();
      return new JetStreamJobBus(connection, connection.jetstream(), manager, names, {
        duplicateWindowMs: options.duplicateWindowMs ?? 120_000,
        pullExpiresMs: options.pullExpiresMs ?? 2_000,
      }, options.connection?.inboxPrefix);
    } catch (error) {
      await connection.close();
      throw error;
    }
  }

  async publish(input: Omit<JobMessage, 'headers'> & { headers?: Record<string, string> }): Promise<PublishResult> {
    this.assertOpen();
    assertToken('service', input.service);
    assertToken('pool', input.pool);
    await this.ensureStream(input.service);
    const ack = await this.client.publish(this.names.jobSubject(input.service, input.pool), input.payload, {
      msgID: input.id,
      headers: toNatsHeaders(input.headers ?? {}),
    });
    return { duplicate: ack.duplicate };
  }

  async consume(service: string, pool: string, handler: JobHandler, options: ConsumeOptions = {}): Promise<JobConsumer> {
    this.assertOpen();
    assertToken('service', service);
    assertToken('pool', pool);
    const settings = { ...DEFAULT_CONSUME_OPTIONS, ...options, pullExpiresMs: this.options.pullExpiresMs };
    await this.ensureStream(service);
    const stream = this.names.streamName(service);
    await this.ensureConsumer(stream, {
      durable_name: this.names.consumerName(pool),
      filter_subject: this.names.jobSubject(service, pool),
      ack_policy: AckPolicy.Explicit,
      deliver_policy: DeliverPolicy.All,
      ack_wait: nanos(settings.ackWaitMs),
      max_deliver: settings.maxDeliver,
    });
    const source = { connection: this.connection, names: this.names, stream, consumer: this.names.consumerName(pool), inboxPrefix: this.inboxPrefix };
    const consumer = new JetStreamConsumer(source, handler, settings);
    this.consumers.add(consumer);
    return consumer;
  }

  onDeadLetter(handler: DeadLetterHandler): void {
    this.assertOpen();
    void this.deadLetter?.close();
    this.deadLetter = new DeadLetterListener(this.connection, this.manager, this.names, handler);
  }

  async publishEvent(event: Omit<JobEvent, 'headers'> & { headers?: Record<string, string> }): Promise<void> {
    this.assertOpen();
    assertToken('job id', event.jobId);
    this.connection.publish(this.names.eventSubject(event.jobId), event.data, {
      headers: toNatsHeaders(event.headers ?? {}, { [EVENT_TYPE_HEADER]: event.type }),
    });
  }

  async subscribeEvents(jobId: string, handler: (event: JobEvent) => void): Promise<Subscription> {
    this.assertOpen();
    if (jobId !== ANY_JOB) assertToken('job id', jobId);
    return this.subscribe(this.names.eventSubject(jobId), (message) =>
      handler({
        jobId: this.names.eventJobId(message.subject),
        type: message.headers?.get(EVENT_TYPE_HEADER) ?? '',
        data: message.data,
        headers: fromNatsHeaders(message.headers),
      }),
    );
  }

  async publishModelEviction(eviction: ModelEviction): Promise<void> {
    this.assertOpen();
    this.connection.publish(this.names.modelEvictionSubject(), JSON.stringify({ location: eviction.location, deleted: eviction.deleted }));
    // On its way to the server before model_reload answers.
    await this.connection.flush();
  }

  async subscribeModelEvictions(handler: ModelEvictionHandler): Promise<Subscription> {
    this.assertOpen();
    return this.subscribe(this.names.modelEvictionSubject(), (message) => {
      const eviction = parseEviction(message.data);
      // A handler's failure is that process's to log; it must not end the subscription.
      if (eviction) void (async () => handler(eviction))().catch(() => undefined);
    });
  }

  /** A core NATS subscription the server knows of when this resolves. */
  private async subscribe(subject: string, onMessage: (message: Msg) => void): Promise<Subscription> {
    const subscription = this.connection.subscribe(subject, {
      callback: (error, message) => {
        if (!error) onMessage(message);
      },
    });
    this.subscriptions.add(subscription);
    // The server must know about the subscription before the caller publishes what it waits for.
    await this.connection.flush();
    return {
      unsubscribe: async () => {
        this.subscriptions.delete(subscription);
        subscription.unsubscribe();
        await this.connection.flush();
      },
    };
  }

  async pending(service: string, pool: string): Promise<number> {
    assertToken('service', service);
    assertToken('pool', pool);
    const stream = this.names.streamName(service);
    const subject = this.names.jobSubject(service, pool);
    try {
      return (await this.manager.consumers.info(stream, this.names.consumerName(pool))).num_pending;
    } catch (error) {
      if (!isNotFound(error)) throw error;
    }
    // No consumer yet: in a work-queue stream every stored message of the pool is waiting.
    try {
      const info = await this.manager.streams.info(stream, { subjects_filter: subject });
      return info.state.subjects?.[subject] ?? 0;
    } catch (error) {
      if (isNotFound(error)) return 0;
      throw error;
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const consumer of this.consumers) consumer.stop();
    for (const subscription of this.subscriptions) subscription.unsubscribe();
    await this.deadLetter?.close();
    await this.connection.close();
  }

  private ensureStream(service: string): Promise<void> {
    let ready = this.knownStreams.get(service);
    if (!ready) {
      ready = this.createStream(service);
      this.knownStreams.set(service, ready);
      ready.catch(() => this.knownStreams.delete(service));
    }
    return ready;
  }

  private async createStream(service: string): Promise<void> {
    const name = this.names.streamName(service);
    try {
      await this.manager.streams.info(name);
      return;
    } catch (error) {
      if (!isNotFound(error)) throw error;
    }
    // Adding a stream that another process just added with the same settings succeeds.
    await this.manager.streams.add({
      name,
      subjects: [this.names.serviceSubjects(service)],
      retention: RetentionPolicy.Workqueue,
      storage: StorageType.File,
      duplicate_window: nanos(this.options.duplicateWindowMs),
    });
  }

  /** Creates the durable consumer, or brings an existing one to this caller's ack wait and max deliveries. */
  private async ensureConsumer(stream: string, config: Partial<ConsumerConfig> & { durable_name: string }): Promise<void> {
    try {
      const existing = await this.manager.consumers.info(stream, config.durable_name);
      if (existing.config.ack_wait !== config.ack_wait || existing.config.max_deliver !== config.max_deliver) {
        await this.manager.consumers.update(stream, config.durable_name, {
          ack_wait: config.ack_wait,
          max_deliver: config.max_deliver,
        });
      }
      return;
    } catch (error) {
      if (!isNotFound(error)) throw error;
    }
    await this.manager.consumers.add(stream, config);
  }

  private assertOpen(): void {
    if (this.closed) throw new Error('job bus is closed');
  }
}

/** JetStream answers 404 for a stream or consumer that does not exist. */
function isNotFound(error: unknown): boolean {
  const api = (error as { api_error?: { code?: number } })?.api_error;
  return api?.code === 404;
}

/** A model eviction message, or null for bytes that are not one (another version's, or garbage). */
function parseEviction(data: Uint8Array): ModelEviction | null {
  try {
    const value = JSON.parse(new TextDecoder().decode(data)) as Partial<ModelEviction>;
    return typeof value.location === 'string' && typeof value.deleted === 'boolean' ? { location: value.location, deleted: value.deleted } : null;
  } catch {
    return null;
  }
}
