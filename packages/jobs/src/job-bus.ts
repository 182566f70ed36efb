/** A unit of work on the bus. `id` is the job id and doubles as the de-duplication key. */
export interface JobMessage {
  id: string;
  service: string;
  pool: string;
  payload: Uint8Array;
  /** Carries W3C trace context and similar metadata. */
  headers: Record<string, string>;
}

export interface JobDelivery extends JobMessage {
  /** 1 on the first delivery, incremented on each redelivery. */
  deliveryCount: number;
  /** Tell the bus the job is still being worked on, pushing the ack deadline back. */
  inProgress(): Promise<void>;
}

/** Resolving acknowledges the job; throwing hands it back for redelivery. */
export type JobHandler = (delivery: JobDelivery) => Promise<void>;

export interface ConsumeOptions {
  /** Jobs handled at once by this consumer. */
  concurrency?: number;
  /** A job not acknowledged (nor marked in progress) within this time is redelivered. */
  ackWaitMs?: number;
  /** After this many deliveries the job goes to the dead-letter handler instead. */
  maxDeliver?: number;
  /** Delay before a job whose handler threw is offered again. */
  retryDelayMs?: number;
}

export interface JobConsumer {
  /** Stop taking new jobs and wait for the ones in hand to finish. */
  drain(): Promise<void>;
}

/** Progress and results travel as events, addressed by job id (on JetStream `<prefix>events.job.<id>`). */
export interface JobEvent {
  jobId: string;
  type: string;
  data: Uint8Array;
  headers: Record<string, string>;
}

/**
 * Every worker is to drop what it caches of a model: its engine sessions (and LoRA/embedding
 * variants) and, when the model was deleted, its local copy of the files.
 */
export interface ModelEviction {
  /** The catalog's location of the model (a directory, an adapter file or an `artifact:` key). */
  location: string;
  /** delete_model (the files are gone for good), rather than model_reload. */
  deleted: boolean;
}

export type ModelEvictionHandler = (eviction: ModelEviction) => void | Promise<void>;

export type DeadLetterHandler = (message: JobMessage, deliveries: number) => Promise<void>;

export interface Subscription {
  unsubscribe(): Promise<void>;
}

export interface PublishResult {
  /** True when a job with this id was already on the bus: nothing new was queued. */
  duplicate: boolean;
}

/**
 * Moves jobs from the gateway to workers. Two implementations share this contract
 * (packages/testing runs the same suite over both): NATS JetStream for distributed
 * mode and an in-process queue for embedded mode.
 */
export interface JobBus {
  publish(message: Omit<JobMessage, 'headers'> & { headers?: Record<string, string> }): Promise<PublishResult>;
  consume(service: string, pool: string, handler: JobHandler, options?: ConsumeOptions): Promise<JobConsumer>;
  onDeadLetter(handler: DeadLetterHandler): void;
  publishEvent(event: Omit<JobEvent, 'headers'> & { headers?: Record<string, string> }): Promise<void>;
  /** `jobId` '*' receives the events of every job. */
  subscribeEvents(jobId: string, handler: (event: JobEvent) => void): Promise<Subscription>;
  /** Jobs waiting to be delivered (not counting the ones being worked on). */
  pending(service: string, pool: string): Promise<number>;
  /**
   * Tell every subscribed process (every worker) to evict a model (model_reload, delete_model).
   * Not stored: a process that is down holds nothing to evict. Resolves once the message has
   * left (in-process: once every handler has run).
   */
  publishModelEviction(eviction: ModelEviction): Promise<void>;
  subscribeModelEvictions(handler: ModelEvictionHandler): Promise<Subscription>;
  close(): Promise<void>;
}

export const DEFAULT_CONSUME_OPTIONS: Required<ConsumeOptions> = {
  concurrency: 1,
  ackWaitMs: 30_000,
  maxDeliver: 3,
  retryDelayMs: 1_000,
};
