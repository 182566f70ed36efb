import { randomBytes, randomInt } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { EaselConfig } from '@easel/config';
import { DIFFUSION_SERVICE, OUTPUT_EXTENSIONS } from '@easel/contracts';
import { ConcurrencyLimitError, InsufficientCreditsError as LedgerInsufficientCredits } from '@easel/db';
import type { ModelCatalog } from '@easel/model-store';
import { priceOf } from '../billing/pricing';
import { InsufficientCreditsError, ModelNotFoundError, ValidationError } from '../common/api-errors';
import { JobsService } from '../jobs/jobs.service';
import type { StoredJobRequest } from '../jobs/job-message';
import type { Principal } from '../keys/principal';
import { LimitsService } from '../limits/limits.service';
import { CONFIG, MODEL_CATALOG } from '../tokens';
import type { DialectResponse } from './generation-responses';
import { JobViewService } from './job-view.service';
import { GENERATION_LIMITS, isOnlyMissingModelId, parseFetchId, parseGenerationRequest, type GenerationKind } from './request';
import { NOT_APPLIED_META, unsupportedFeatures } from './unsupported-features';

/** Size assumed for pricing when the request leaves it to the model. */
const PRICING_DEFAULT_SIDE = 512;

export interface SubmitOptions {
  requireModelId?: boolean;
  idempotencyKey?: string | null;
}

/** text2img / img2img / inpaint and fetch: validate, price, queue, answer within the sync window. */
@Injectable()
export class GenerationService {
  constructor(
    private readonly jobs: JobsService,
    private readonly view: JobViewService,
    private readonly limits: LimitsService,
    @Inject(CONFIG) private readonly config: EaselConfig,
    @Inject(MODEL_CATALOG) private readonly catalog: ModelCatalog,
  ) {}

  async submit(principal: Principal, kind: GenerationKind, body: Record<string, unknown>, options: SubmitOptions = {}): Promise<DialectResponse> {
    const parsed = parseGenerationRequest(kind, body, { requireModelId: options.requireModelId });
    if (!parsed.ok) {
      if (isOnlyMissingModelId(parsed.errors)) throw new ModelNotFoundError();
      throw new ValidationError(parsed.errors);
    }
    const request = parsed.value;
    const unsupported = unsupportedFeatures(request);
    if (Object.keys(unsupported).length > 0) throw new ValidationError(unsupported);
    const modelId = request.modelId ?? this.config.EASEL_DEFAULT_MODEL;
    if (!(await this.catalog.find(principal.tenantId, modelId))) throw new ModelNotFoundError();
    // Only a request that validated counts as sent (spam filter, requests per minute).
    const admission = await this.limits.admit(principal, body, { idempotencyKey: options.idempotencyKey });

    // The seed is fixed here, so a job that is retried or resumed draws the same pixels.
    const params = { ...request, modelId, seed: request.seed ?? randomInt(0, GENERATION_LIMITS.seed.max) };
    const stored: StoredJobRequest = {
      params: params as unknown as Record<string, unknown>,
      artifactToken: randomBytes(18).toString('base64url'),
      outputs: request.samples,
      extension: OUTPUT_EXTENSIONS[request.outputFormat],
      metaOverrides: NOT_APPLIED_META,
    };
    const price = priceOf({
      modelId,
      width: request.width ?? PRICING_DEFAULT_SIDE,
      height: request.height ?? PRICING_DEFAULT_SIDE,
      steps: request.steps,
      samples: request.samples,
    });
    let job;
    try {
      ({ job } = await this.jobs.submit({
        tenantId: principal.tenantId,
        apiKeyId: principal.keyId,
        service: DIFFUSION_SERVICE,
        kind,
        modelId,
        request: stored,
        trackId: request.trackId === null ? null : String(request.trackId),
        webhookUrl: request.webhook,
        idempotencyKey: options.idempotencyKey ?? null,
        price,
        maxUnfinishedForKey: this.limits.maxUnfinishedFor(principal),
      }));
    } catch (error) {
      // Not accepted after all: the same body may be sent again without tripping the spam filter.
      await admission.release();
      if (error instanceof ConcurrencyLimitError) throw await this.limits.concurrencyExceeded(error);
      if (error instanceof LedgerInsufficientCredits) throw new InsufficientCreditsError();
      throw error;
    }
    const current = (await this.jobs.waitForEnd(job.id, this.config.EASEL_SYNC_WINDOW_MS)) ?? job;
    // Not ended: the processing body needs nothing but the row in hand (no artifacts yet).
    if (current.status === 'queued' || current.status === 'running') return this.view.render({ ...current, artifacts: [] });
    return this.view.describe(principal.tenantId, job.id);
  }

  async fetch(principal: Principal, pathId: string | undefined, body: Record<string, unknown>): Promise<DialectResponse> {
    const id = parseFetchId(pathId, body);
    if (!id.ok) throw new ValidationError(id.errors);
    return this.view.describe(principal.tenantId, id.value);
  }
}
