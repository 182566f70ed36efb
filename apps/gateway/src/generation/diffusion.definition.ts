import { Inject, Injectable } from '@nestjs/common';
import type { EaselConfig } from '@easel/config';
import { DIFFUSION_KINDS, DIFFUSION_SERVICE } from '@easel/contracts';
import type { ModelCatalog } from '@easel/model-store';
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
import { prepareGeneration } from './prepare-generation';
import {
  isOnlyMissingModelId,
  parseGenerationRequest,
  type GenerationKind,
} from './request';
import { generationRequestSchema } from './request/generation-schema';

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
    const { generation, ...job } = await prepareGeneration(this.config, this.catalog, principal, parsed.value);
    return { ...job, kind, params: generation as unknown as Record<string, unknown> };
  }

  successMeta(job: JobWithArtifacts): Record<string, unknown> {
    return diffusionMeta(job);
  }

  requestSchema(kind: string, options: SubmitOptions) {
    return generationRequestSchema(kind as GenerationKind, options.requireModelId === true);
  }
}
