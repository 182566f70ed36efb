import { randomBytes, randomInt } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { EaselConfig } from '@easel/config';
import { DIFFUSION_SERVICE, OUTPUT_EXTENSIONS } from '@easel/contracts';
import { ConcurrencyLimitError, InsufficientCreditsError as LedgerInsufficientCredits } from '@easel/db';
import type { ModelCatalog, ModelCategory, ModelEntry } from '@easel/model-store';
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
import { modelCapabilityErrors } from './model-capabilities';
import { NOT_APPLIED_META, unsupportedFeatures } from './unsupported-features';

/** Size assumed for pricing when the request leaves it to the model. */
const PRICING_DEFAULT_SIDE = 512;

/** A validated job, ready to be admitted, priced and queued. */
export interface EnqueueInput {
  kind: string;
  modelId: string | null;
  params: Record<string, unknown>;
  outputs: number;
  extension: string;
  metaOverrides?: Record<string, unknown>;
  price: number;
  trackId: string | number | null;
  webhook: string | null;
  idempotencyKey: string | null;
}

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
    const model = await this.requireModels(principal.tenantId, [[modelId, 'stable_diffusion'], ...request.loraModel.map((id) => [id, 'lora'] as const), ...request.embeddingsModel.map((id) => [id, 'embeddings'] as const)]);
    const incapable = await modelCapabilityErrors(request, model);
    if (Object.keys(incapable).length > 0) throw new ValidationError(incapable);

    // The seed is fixed here, so a job that is retried or resumed draws the same pixels.
    const params = { ...request, modelId, seed: request.seed ?? randomInt(0, GENERATION_LIMITS.seed.max) };
    const price = priceOf({
      modelId,
      width: request.width ?? PRICING_DEFAULT_SIDE,
      height: request.height ?? PRICING_DEFAULT_SIDE,
      steps: request.steps,
      samples: request.samples,
      upscale: request.upscale,
      highresFix: request.highresFix ? { strength: request.highresFixStrength ?? null } : null,
    });
    return this.enqueue(principal, body, {
      kind,
      modelId,
      params: params as unknown as Record<string, unknown>,
      outputs: request.samples,
      extension: OUTPUT_EXTENSIONS[request.outputFormat],
      metaOverrides: NOT_APPLIED_META,
      price,
      trackId: request.trackId,
      webhook: request.webhook,
      idempotencyKey: options.idempotencyKey ?? null,
    });
  }

  /**
   * A validated job of any kind on the diffusion service (generation, super_resolution): admit it
   * (spam filter, rate), hold its price, queue it, and answer within the sync window.
   */
  async enqueue(principal: Principal, body: Record<string, unknown>, job: EnqueueInput): Promise<DialectResponse> {
    // Only a request that validated counts as sent (spam filter, requests per minute).
    const admission = await this.limits.admit(principal, body, { idempotencyKey: job.idempotencyKey });
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
        service: DIFFUSION_SERVICE,
        kind: job.kind,
        modelId: job.modelId,
        request: stored,
        trackId: job.trackId === null ? null : String(job.trackId),
        webhookUrl: job.webhook,
        idempotencyKey: job.idempotencyKey,
        price: job.price,
        maxUnfinishedForKey: this.limits.maxUnfinishedFor(principal),
      }));
    } catch (error) {
      // Not accepted after all: the same body may be sent again without tripping the spam filter.
      await admission.release();
      if (error instanceof ConcurrencyLimitError) throw await this.limits.concurrencyExceeded(error);
      if (error instanceof LedgerInsufficientCredits) throw new InsufficientCreditsError();
      throw error;
    }
    const current = (await this.jobs.waitForEnd(submitted.id, this.config.EASEL_SYNC_WINDOW_MS)) ?? submitted;
    // Not ended: the processing body needs nothing but the row in hand (no artifacts yet).
    if (current.status === 'queued' || current.status === 'running') return this.view.render({ ...current, artifacts: [] });
    return this.view.describe(principal.tenantId, submitted.id);
  }

  /** Every model the request names: a ready model of its category that the tenant may use, else "Model id not found". Returns the first (the base model). */
  private async requireModels(tenantId: string, wanted: ReadonlyArray<readonly [string, ModelCategory]>): Promise<ModelEntry> {
    const found: ModelEntry[] = [];
    for (const [id, category] of wanted) {
      const model = await this.catalog.find(tenantId, id);
      if (!model || model.category !== category) throw new ModelNotFoundError();
      found.push(model);
    }
    return found[0]!;
  }

  async fetch(principal: Principal, pathId: string | undefined, body: Record<string, unknown>): Promise<DialectResponse> {
    const id = parseFetchId(pathId, body);
    if (!id.ok) throw new ValidationError(id.errors);
    return this.view.describe(principal.tenantId, id.value);
  }
}
