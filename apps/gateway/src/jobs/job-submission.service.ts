import { randomBytes } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { EaselConfig } from '@easel/config';
import { serviceOfKind } from '@easel/contracts';
import { ConcurrencyLimitError, InsufficientCreditsError as LedgerInsufficientCredits, SpamRefusedError } from '@easel/db';
import { InsufficientCreditsError, ValidationError } from '../common/api-errors';
import { parseFetchId } from '../common/request/fetch-id';
import type { Principal } from '../keys/principal';
import { LimitsService } from '../limits/limits.service';
import { CONFIG } from '../tokens';
import type { StoredJobRequest } from './job-message';
import type { DialectResponse } from './job-responses';
import { JobViewService } from './job-view.service';
import { JobsService } from './jobs.service';
import type { PreparedJob, SubmitOptions } from './service-definition';
import { ServiceRegistry } from './service-registry';

/**
 * A job's life at the gateway, the same for every service: the service's definition turns the
 * body into a priced job; then admission (spam filter, rate), credits held with the job row,
 * the publish, and the answer within the sync window (`success`, or `processing` to fetch).
 */
@Injectable()
export class JobSubmissionService {
  constructor(
    private readonly registry: ServiceRegistry,
    private readonly jobs: JobsService,
    private readonly view: JobViewService,
    private readonly limits: LimitsService,
    @Inject(CONFIG) private readonly config: EaselConfig,
  ) {}

  async submit(
    principal: Principal,
    kind: string,
    body: Record<string, unknown>,
    options: SubmitOptions = {},
  ): Promise<DialectResponse> {
    const prepared = await this.registry.forKind(kind).prepare(principal, kind, body, options);
    return this.enqueue(principal, body, prepared, options, options.syncWindowMs ?? this.config.EASEL_SYNC_WINDOW_MS);
  }

  async fetch(
    principal: Principal,
    pathId: string | undefined,
    body: Record<string, unknown>,
  ): Promise<DialectResponse> {
    const id = parseFetchId(pathId, body);
    if (!id.ok) throw new ValidationError(id.errors);
    return this.view.describe(principal.tenantId, id.value);
  }

  private async enqueue(
    principal: Principal,
    body: Record<string, unknown>,
    job: PreparedJob,
    options: SubmitOptions,
    syncWindowMs: number,
  ): Promise<DialectResponse> {
    const idempotencyKey = options.idempotencyKey ?? null;
    // Only a request that validated counts as sent (spam filter, requests per minute).
    const admission = await this.limits.admit(principal, body, { idempotencyKey, spamFilter: options.spamFilter });
    const stored: StoredJobRequest = {
      params: job.params,
      artifactToken: randomBytes(18).toString('base64url'),
      outputs: job.outputs,
      extension: job.extension,
      metaOverrides: job.metaOverrides,
    };
    let submitted;
    try {
      ({ job: submitted } = await this.jobs.submit({
        tenantId: principal.tenantId,
        apiKeyId: principal.keyId,
        service: serviceOfKind(job.kind),
        kind: job.kind,
        modelId: job.modelId,
        request: stored,
        trackId: job.trackId === null ? null : String(job.trackId),
        webhookUrl: job.webhook,
        idempotencyKey,
        price: job.price,
        maxUnfinishedForKey: this.limits.maxUnfinishedFor(principal),
        spamMark: admission.spamMark,
      }, options.beforePublish));
    } catch (error) {
      if (error instanceof SpamRefusedError) throw await admission.refusedAsSpam(error);
      // Not accepted after all: the same body may be sent again without tripping the spam filter.
      await admission.release();
      if (error instanceof ConcurrencyLimitError) throw await this.limits.concurrencyExceeded(error);
      if (error instanceof LedgerInsufficientCredits) throw new InsufficientCreditsError();
      throw error;
    }
    const current = (syncWindowMs > 0 ? await this.jobs.waitForEnd(submitted.id, syncWindowMs) : null) ?? submitted;
    // Not ended: the processing body needs nothing but the row in hand (no artifacts yet).
    if (current.status === 'queued' || current.status === 'running')
      return this.view.render({ ...current, artifacts: [] });
    return this.view.describe(principal.tenantId, submitted.id);
  }
}
