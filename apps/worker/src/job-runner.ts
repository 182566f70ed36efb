import { randomUUID } from 'node:crypto';
import {
  artifactKey,
  artifactTokenFor,
  decodeJobPayload,
  ServiceError,
  describeFailure,
  encodeEvent,
  JOB_ENDED,
  type JobPayload,
} from '@easel/contracts';
import type { ArtifactRecord, JobsRepository } from '@easel/db';
import type { JobBus, JobConsumer, JobDelivery } from '@easel/jobs';
import { isStoreFullError, type ArtifactStore } from '@easel/storage';
import { extractTraceContext, withSpan } from '@easel/telemetry';
import { SpanKind } from '@opentelemetry/api';
import type { GenerationSlots } from './generation-slots';
import { ProgressReporter } from './progress-reporter';
import type { ServiceHandler } from './service-handler';

export interface JobRunnerOptions {
  bus: JobBus;
  jobs: JobsRepository;
  store: ArtifactStore;
  handler: ServiceHandler;
  pool: string;
  concurrency: number;
  ackWaitMs: number;
  maxDeliver: number;
  /** Slots shared with the gRPC service: a running job holds one, so GetCapacity counts it. */
  slots?: GenerationSlots;
  /** How long `temp: yes` artifacts stay downloadable. */
  tempArtifactSeconds?: number;
  log?: (message: string) => void;
}

/**
 * Takes one service's jobs off the bus and settles each in the database: running →
 * success with its artifacts (credits captured) or failed (credits released). A job
 * interrupted by shutdown is handed back to the bus and stays `running` in the database,
 * so the next start resumes it.
 */
export class JobRunner {
  private consumer?: JobConsumer;
  private readonly shutdown = new AbortController();

  constructor(private readonly options: JobRunnerOptions) {}

  async start(): Promise<void> {
    const { bus, handler, pool, concurrency, ackWaitMs, maxDeliver } = this.options;
    this.consumer = await bus.consume(handler.service, pool, (delivery) => this.handle(delivery), {
      concurrency,
      ackWaitMs,
      maxDeliver,
    });
  }

  /** Stops taking jobs; jobs still running after `graceMs` are cancelled and handed back. */
  async stop(graceMs: number): Promise<void> {
    const timer = setTimeout(() => this.shutdown.abort(), graceMs);
    try {
      await this.consumer?.drain();
    } finally {
      clearTimeout(timer);
      this.shutdown.abort();
    }
  }

  /** One `process job` span per delivery, a child of the gateway's `publish` span (W3C context in the message headers). */
  private handle(delivery: JobDelivery): Promise<void> {
    const attributes = {
      'messaging.system': 'nats',
      'messaging.operation.type': 'process',
      'messaging.destination.name': `jobs.${delivery.service}.${delivery.pool}`,
      'messaging.message.id': delivery.id,
      'easel.delivery_count': delivery.deliveryCount,
    };
    return withSpan(
      'process job',
      { kind: SpanKind.CONSUMER, attributes },
      () => this.process(delivery),
      extractTraceContext(delivery.headers),
    );
  }

  private async process(delivery: JobDelivery): Promise<void> {
    let payload: JobPayload;
    try {
      payload = decodeJobPayload(delivery.payload);
    } catch (error) {
      // Redelivering the same bytes cannot help: the job (the message id is its id) fails now, credits back.
      const reason = (error as Error).message;
      this.options.log?.(`job message ${delivery.id} is malformed: ${reason}`);
      const jobId = Number(delivery.id);
      if (Number.isSafeInteger(jobId) && jobId > 0 && (await this.options.jobs.fail(jobId, reason)))
        await this.ended(jobId, 'failed');
      return;
    }
    const { jobs } = this.options;
    if (!(await jobs.start(payload.jobId))) return; // ended already: a duplicate delivery
    const progress = new ProgressReporter(this.options.bus, jobs, delivery, payload.jobId);
    this.options.slots?.acquire();
    try {
      const output = await this.options.handler.run(payload, {
        signal: this.shutdown.signal,
        progress: (s, t, preview, phase, detail) => progress.step(s, t, preview, phase, detail),
      });
      const artifacts = await withSpan(
        'upload',
        { attributes: { 'easel.artifacts': output.files.length } },
        () =>
          this.storeFiles(payload, output.files).catch((error: unknown) => {
            // A full store fails the job now, with its cause, rather than after every redelivery.
            if (isStoreFullError(error)) {
              throw new ServiceError(
                'artifact_store_full',
                `The artifact store could not take this job's files: ${(error as Error).message}`,
                { cause: error },
              );
            }
            throw error;
          }),
      );
      await progress.flush();
      if (await jobs.succeed(payload.jobId, output.result as never, artifacts, output.creditsUsed ?? null))
        await this.ended(payload.jobId, 'success');
    } catch (error) {
      await progress.flush();
      // One mapping for every service and engine: a failure that cannot pass on another try ends the job now.
      const failure = describeFailure(error);
      if (!failure.retryable) {
        if (await jobs.fail(payload.jobId, failure.message)) await this.ended(payload.jobId, 'failed');
        return;
      }
      this.options.log?.(
        `job ${payload.jobId} attempt ${delivery.deliveryCount} ${this.shutdown.signal.aborted ? 'interrupted by shutdown' : `failed: ${(error as Error).message}`}`,
      );
      throw error; // handed back to the bus: retried, or dead-lettered after the last delivery
    } finally {
      this.options.slots?.release();
    }
  }

  private async storeFiles(
    payload: JobPayload,
    files: { body: Buffer; contentType: string; extension: string }[],
  ): Promise<ArtifactRecord[]> {
    const temp = 'temp' in payload.params && payload.params.temp === true;
    const expiresAt = temp ? new Date(Date.now() + (this.options.tempArtifactSeconds ?? 3600) * 1000) : null;
    return Promise.all(
      files.map(async (file, index) => {
        const storageKey = artifactKey(payload.tenantId, payload.jobId, index, file.extension);
        const info = await this.options.store.put(storageKey, file.body, { contentType: file.contentType });
        const token = payload.artifactToken ? artifactTokenFor(payload.artifactToken, index) : randomUUID();
        return { index, storageKey, token, contentType: file.contentType, bytes: info.size, expiresAt };
      }),
    );
  }

  private ended(jobId: number, status: 'success' | 'failed') {
    return this.options.bus.publishEvent({
      jobId: String(jobId),
      type: JOB_ENDED,
      data: encodeEvent({ status }),
    });
  }
}
