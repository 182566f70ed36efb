import { randomInt } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { EaselConfig } from '@easel/config';
import { DIFFUSION_KINDS, DIFFUSION_SERVICE, OUTPUT_EXTENSIONS } from '@easel/contracts';
import type { ModelCatalog, ModelCategory, ModelEntry } from '@easel/model-store';
import { priceOf } from '../billing/pricing';
import { ModelNotFoundError, ValidationError } from '../common/api-errors';
import type { JobWithArtifacts } from '../jobs/job-responses';
import {
  DefinesService,
  type PreparedJob,
  type ServiceDefinition,
  type SubmitOptions,
} from '../jobs/service-definition';
import type { Principal } from '../keys/principal';
import { CONFIG, MODEL_CATALOG } from '../tokens';
import { diffusionMeta } from './diffusion-meta';
import { modelCapabilityErrors } from './model-capabilities';
import {
  GENERATION_LIMITS,
  isOnlyMissingModelId,
  parseGenerationRequest,
  type GenerationKind,
} from './request';
import { generationRequestSchema } from './request/generation-schema';
import { NOT_APPLIED_META, unsupportedFeatures } from './unsupported-features';

/** Size assumed for pricing when the request leaves it to the model. */
const PRICING_DEFAULT_SIDE = 512;

/** text2img / img2img / inpaint (and the dreambooth forms) on the diffusion service. */
@Injectable()
@DefinesService()
export class DiffusionDefinition implements ServiceDefinition {
  readonly service = DIFFUSION_SERVICE;
  readonly kinds = DIFFUSION_KINDS;
  readonly pricing =
    "1 credit per 512×512 image at 20 steps (the model's price table), scaled by pixels, steps and samples; highres_fix adds its refining pass (steps × strength at the target size); upscale adds 0.25 credits per output megapixel. Held when the job is accepted, captured on success, released on failure.";

  constructor(
    @Inject(CONFIG) private readonly config: EaselConfig,
    @Inject(MODEL_CATALOG) private readonly catalog: ModelCatalog,
  ) {}

  async prepare(
    principal: Principal,
    kind: string,
    body: Record<string, unknown>,
    options: SubmitOptions,
  ): Promise<PreparedJob> {
    const parsed = parseGenerationRequest(kind as GenerationKind, body, {
      requireModelId: options.requireModelId,
    });
    if (!parsed.ok) {
      if (isOnlyMissingModelId(parsed.errors)) throw new ModelNotFoundError();
      throw new ValidationError(parsed.errors);
    }
    const request = parsed.value;
    const unsupported = unsupportedFeatures(request);
    if (Object.keys(unsupported).length > 0) throw new ValidationError(unsupported);
    const modelId = request.modelId ?? this.config.EASEL_DEFAULT_MODEL;
    const model = await this.requireModels(principal.tenantId, [
      [modelId, 'stable_diffusion'],
      ...request.loraModel.map((id) => [id, 'lora'] as const),
      ...request.embeddingsModel.map((id) => [id, 'embeddings'] as const),
    ]);
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
    return {
      kind,
      modelId,
      params: params as unknown as Record<string, unknown>,
      outputs: request.samples,
      extension: OUTPUT_EXTENSIONS[request.outputFormat],
      metaOverrides: NOT_APPLIED_META,
      price,
      trackId: request.trackId,
      webhook: request.webhook,
    };
  }

  successMeta(job: JobWithArtifacts): Record<string, unknown> {
    return diffusionMeta(job);
  }

  requestSchema(kind: string, options: SubmitOptions) {
    return generationRequestSchema(kind as GenerationKind, options.requireModelId === true);
  }

  /** Every model the request names: a ready model of its category that the tenant may use, else "Model id not found". Returns the first (the base model). */
  private async requireModels(
    tenantId: string,
    wanted: ReadonlyArray<readonly [string, ModelCategory]>,
  ): Promise<ModelEntry> {
    const found: ModelEntry[] = [];
    for (const [id, category] of wanted) {
      const model = await this.catalog.find(tenantId, id);
      if (!model || model.category !== category) throw new ModelNotFoundError();
      found.push(model);
    }
    return found[0]!;
  }
}
