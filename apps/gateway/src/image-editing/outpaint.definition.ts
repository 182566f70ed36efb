import { randomInt } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { EaselConfig } from '@easel/config';
import { DIFFUSION_SERVICE, OUTPAINT_KIND, type DiffusionResult } from '@easel/contracts';
import type { ModelCatalog } from '@easel/model-store';
import { priceOf } from '../billing/pricing';
import { ModelNotFoundError, ValidationError } from '../common/api-errors';
import { GENERATION_LIMITS } from '../generation/request/generation-limits';
import { storedRequest } from '../jobs/job-message';
import type { JobWithArtifacts } from '../jobs/job-responses';
import { DefinesService, type PreparedJob, type ServiceDefinition } from '../jobs/service-definition';
import type { Principal } from '../keys/principal';
import { CONFIG, MODEL_CATALOG } from '../tokens';
import { outpaintMeta } from './outpaint-meta';
import { OUTPAINT_REQUEST, parseOutpaintRequest, type OutpaintRequest } from './outpaint-request';

/**
 * `outpaint` at the image_editing family's path, run by the diffusion service: the fill is the UNet's
 * inpainting, so its jobs go to the diffusion (GPU) pool, where the models are loaded and the steps
 * are fast, rather than to the CPU editing pool, which would have to load a second copy of each model.
 */
@Injectable()
@DefinesService()
export class OutpaintDefinition implements ServiceDefinition {
  readonly service = DIFFUSION_SERVICE;
  readonly kinds = [OUTPAINT_KIND];
  readonly fetchPath = '/api/v6/image_editing/fetch';
  readonly pricing =
    "As generation: 1 credit per 512×512 canvas at 20 steps (the model's price table), scaled by the canvas's pixels and the steps. Held when the job is accepted, captured on success, released on failure.";

  constructor(
    @Inject(CONFIG) private readonly config: EaselConfig,
    @Inject(MODEL_CATALOG) private readonly catalog: ModelCatalog,
  ) {}

  async prepare(principal: Principal, _kind: string, body: Record<string, unknown>): Promise<PreparedJob> {
    const parsed = parseOutpaintRequest(body);
    if (!parsed.ok) throw new ValidationError(parsed.errors);
    const { webhook, trackId, modelId: requested, ...request } = parsed.value;
    const modelId = requested ?? this.config.EASEL_DEFAULT_MODEL;
    const model = await this.catalog.find(principal.tenantId, modelId);
    if (!model || model.category !== 'stable_diffusion') throw new ModelNotFoundError();
    // The seed is fixed here, so a job that is retried or resumed draws the same pixels.
    const params = { ...request, seed: request.seed ?? randomInt(0, GENERATION_LIMITS.seed.max) };
    const extend = request.outpaint?.extend;
    // Priced by the canvas; grown by sides, by the largest canvas those sides allow.
    const [width, height] = extend ? [1024, 1024] : [request.width ?? 1280, request.height ?? 720];
    return {
      kind: OUTPAINT_KIND,
      modelId,
      params: params as unknown as Record<string, unknown>,
      outputs: 1,
      extension: 'png',
      price: priceOf({ modelId, width, height, steps: request.steps, samples: 1 }),
      trackId,
      webhook,
    };
  }

  successMeta(job: JobWithArtifacts): Record<string, unknown> {
    return outpaintMeta(
      storedRequest(job).params as unknown as OutpaintRequest,
      job.result as unknown as DiffusionResult,
    );
  }

  requestSchema() {
    return OUTPAINT_REQUEST.jsonSchema();
  }
}
