import { Inject, Injectable, Logger, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import {
  encodeEvent,
  encodeJobPayload,
  JOB_ENDED,
  serviceOfKind,
  type ServiceParams,
} from '@easel/contracts';
import { JobsRepository, type Database, type Job, type SubmitJobInput } from '@easel/db';
import type { JobBus } from '@easel/jobs';
import type { EaselConfig } from '@easel/config';
import { injectTraceHeaders, withSpan } from '@easel/telemetry';
import { SpanKind } from '@opentelemetry/api';
import { QueueUnavailableError } from '../common/api-errors';
import { CONFIG, DATABASE, JOB_BUS } from '../tokens';
import { AdmissionLeasesService } from './admission-leases.service';
import { storedRequest, type StoredJobRequest } from './job-message';
import { PoolRouter } from './pool-router';
import { isUncertainSubmitError, UncertainSubmits } from './uncertain-submits';

/** Seconds a job is assumed to take before any has finished. */
const FIRST_JOB_GUESS_SECONDS = 5;
/** How often the sync window re-reads a job's row when the bus could not deliver its events. */
const POLL_WITHOUT_EVENTS_MS = 200;
const ESTIMATE_MAX_AGE_MS = 1000;

@Injectable()
export class JobsService implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger('Jobs');
  readonly repository: JobsRepository;
  private estimate?: { at: number; value: Promise<{ jobs: number; jobSeconds: number }> };
  private readonly uncertain: UncertainSubmits;

  constructor(
    @Inject(DATABASE) db: Database,
    @Inject(JOB_BUS) private readonly bus: JobBus,
    @Inject(CONFIG) private readonly config: EaselConfig,
    private readonly pools: PoolRouter,
    private readonly admission: AdmissionLeasesService,
  ) {
    this.repository = new JobsRepository(db.prisma, db.sql);
    this.uncertain = new UncertainSubmits(this.repository, (job) => this.publish(job));
  }

  onModuleInit(): void {
    // A job the bus gave up on (its worker kept dying or failing) ends failed, credits back.
    this.bus.onDeadLetter(async (message, deliveries) => {
      await this.failJob(Number(message.id), `gave up after ${deliveries} deliveries`);
    });
  }

  onModuleDestroy(): void {
    this.uncertain.close();
  }

  /** Ends an unfinished job as failed (credits released, webhook enqueued) and tells its watchers; false when it had ended. */
  async failJob(id: number, reason: string): Promise<boolean> {
    if (!(await this.repository.fail(id, reason))) return false;
    await this.bus.publishEvent({ jobId: String(id), type: JOB_ENDED, data: encodeEvent({ status: 'failed' }) });
    return true;
  }

  /**
   * Records the job (holding its price) and puts it on the bus. `beforePublish` runs between the two
   * (a chat stream subscribes to the job's events there, so it misses none of the reply's text).
   */
  async submit(input: Omit<SubmitJobInput, 'request'> & { request: StoredJobRequest }, beforePublish?: (job: Job) => Promise<void>) {
    const startedAt = Date.now();
    const { job, created } = await this.admission.submit({ ...input, request: input.request as never }).catch((error: unknown) => {
      // The statement may have committed before its answer was lost: such a job is published once the database answers.
      if (isUncertainSubmitError(error)) this.uncertain.note(startedAt);
      throw error;
    });
    if (created) {
      try {
        await beforePublish?.(job);
        await this.publish(job);
      } catch (error) {
        // Without this the row would wait, queued and charged, for the next gateway start.
        this.logger.warn(`job ${job.id} could not be queued: ${(error as Error).message}`);
        await this.repository.fail(job.id, `could not be queued: ${(error as Error).message}`).catch((failError: Error) => {
          this.uncertain.note(startedAt);
          throw failError;
        });
        throw new QueueUnavailableError(job.id);
      }
    }
    return { job, created };
  }

  /** Jobs not yet ended, and what one takes: the mean of recent successful jobs, or a first guess. */
  async queueEstimate(): Promise<{ jobs: number; jobSeconds: number }> {
    const [jobs, mean] = await Promise.all([
      this.repository.countUnfinished(),
      this.repository.recentMeanSeconds(),
    ]);
    return { jobs, jobSeconds: mean ?? FIRST_JOB_GUESS_SECONDS };
  }

  /**
   * The queue estimate, at most a second old: what every `processing` answer's eta uses, so a
   * burst of submits does not count the unfinished jobs once per answer.
   */
  recentQueueEstimate(): Promise<{ jobs: number; jobSeconds: number }> {
    const now = Date.now();
    if (!this.estimate || now - this.estimate.at > ESTIMATE_MAX_AGE_MS) {
      const value = this.queueEstimate();
      this.estimate = { at: now, value };
      value.catch(() => (this.estimate = undefined));
    }
    return this.estimate.value;
  }

  /**
   * Waits until the job ends or `timeoutMs` passes; returns the job row as it then is, or
   * null without reading anything when there is no window to wait (the caller has the row).
   * The job is already accepted here, so a bus that cannot take the subscription (NATS
   * reconnecting) must not fail the request: the wait falls back to reading the row.
   */
  async waitForEnd(jobId: number, timeoutMs: number): Promise<Job | null> {
    if (timeoutMs <= 0) return null;
    let resolveEnded: () => void = () => undefined;
    const ended = new Promise<void>((resolve) => (resolveEnded = resolve));
    const subscription = await this.bus
      .subscribeEvents(String(jobId), (event) => {
        if (event.type === JOB_ENDED) resolveEnded();
      })
      .catch((error: Error) => {
        this.logger.warn(`job ${jobId}: no event subscription (${error.message}); polling its row instead`);
        return null;
      });
    const deadline = Date.now() + timeoutMs;
    try {
      let current = await this.repository.get(jobId);
      while (
        current &&
        (current.status === 'queued' || current.status === 'running') &&
        Date.now() < deadline
      ) {
        const wait = subscription
          ? deadline - Date.now()
          : Math.min(POLL_WITHOUT_EVENTS_MS, deadline - Date.now());
        let timer: NodeJS.Timeout | undefined;
        await Promise.race([ended, new Promise<void>((resolve) => (timer = setTimeout(resolve, wait)))]);
        clearTimeout(timer);
        if (subscription) break;
        current = await this.repository.get(jobId);
      }
    } finally {
      await subscription
        ?.unsubscribe()
        .catch((error: Error) => this.logger.warn(`job ${jobId}: unsubscribe failed (${error.message})`));
    }
    return this.repository.get(jobId);
  }

  /**
   * After a restart: every job not yet ended is put back on the bus (publishing is
   * idempotent by job id), unless it has used up its deliveries, in which case it fails
   * and its credits are released. No job is left `processing` forever.
   */
  async recoverUnfinished(): Promise<{ resumed: number; failed: number }> {
    let resumed = 0;
    let failed = 0;
    for (const job of await this.repository.unfinished()) {
      if (job.attempts >= this.config.EASEL_MAX_DELIVERIES) {
        if (await this.repository.fail(job.id, 'interrupted by a restart too many times')) failed++;
        continue;
      }
      await this.publish(job);
      resumed++;
    }
    if (resumed + failed > 0)
      this.logger.log(`recovered unfinished jobs: ${resumed} resumed, ${failed} failed`);
    return { resumed, failed };
  }

  private async publish(job: Job) {
    const { params, artifactToken } = storedRequest(job);
    // By kind, not the row's service column: rows written before a kind moved to its own service still route.
    const service = serviceOfKind(job.kind);
    const pool = await this.pools.poolFor(service, job);
    // The worker's span for this job is a child of this one: the trace context travels in the message headers.
    const attributes = {
      'messaging.system': 'nats',
      'messaging.destination.name': `${this.config.EASEL_STREAM_PREFIX}jobs.${service}.${pool}`,
      'messaging.message.id': String(job.id),
    };
    await withSpan('publish', { kind: SpanKind.PRODUCER, attributes }, () =>
      this.bus.publish({
        id: String(job.id),
        service,
        pool,
        payload: encodeJobPayload({
          jobId: job.id,
          tenantId: job.tenantId,
          kind: job.kind,
          modelId: job.modelId,
          artifactToken,
          params: params as unknown as ServiceParams,
        }),
        headers: injectTraceHeaders(),
      }),
    );
  }
}
