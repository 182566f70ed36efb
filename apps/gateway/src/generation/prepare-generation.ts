import { randomInt } from 'node:crypto';
import type { EaselConfig } from '@easel/config';
import { OUTPUT_EXTENSIONS } from '@easel/contracts';
import type { ModelCatalog, ModelCategory, ModelEntry } from '@easel/model-store';
import { priceOf } from '../billing/pricing';
import { ModelNotFoundError, ValidationError } from '../common/api-errors';
import type { PreparedJob } from '../jobs/service-definition';
import type { Principal } from '../keys/principal';
import { modelCapabilityErrors } from './model-capabilities';
import { pairedRefiner } from './paired-refiner';
import { GENERATION_LIMITS, type GenerationRequest } from './request';
import { NOT_APPLIED_META, unsupportedFeatures } from './unsupported-features';

/** Size assumed for pricing when the request leaves it to the model. */
const PRICING_DEFAULT_SIDE = 512;

/** A generation ready to queue: the request with its model and seed fixed, and the job's price and outputs. */
export interface PreparedGeneration extends Omit<PreparedJob, 'kind' | 'params'> {
  modelId: string;
  generation: GenerationRequest & { modelId: string; seed: number };
}

/**
 * What every generation job checks and fixes before it is queued (the diffusion service's and
 * the services built on it, like controlnet): the options this deployment refuses, every model it
 * names (base, LoRAs, embeddings and `alsoModels`) ready and of its category for the tenant, what
 * the base model cannot do, the seed (fixed here so a retried job draws the same pixels), the price.
 */
export async function prepareGeneration(
  config: EaselConfig,
  catalog: ModelCatalog,
  principal: Principal,
  request: GenerationRequest,
  alsoModels: ReadonlyArray<readonly [string, ModelCategory]> = [],
): Promise<PreparedGeneration> {
  const unsupported = unsupportedFeatures(request);
  if (Object.keys(unsupported).length > 0) throw new ValidationError(unsupported);
  const modelId = request.modelId ?? config.EASEL_DEFAULT_MODEL;
  const model = await requireModels(catalog, principal.tenantId, [
    [modelId, 'stable_diffusion'],
    ...request.loraModel.map((id) => [id, 'lora'] as const),
    ...request.embeddingsModel.map((id) => [id, 'embeddings'] as const),
    ...alsoModels,
  ]);
  const incapable = await modelCapabilityErrors(request, model);
  if (Object.keys(incapable).length > 0) throw new ValidationError(incapable);
  const refinerModel = request.refiner ? await pairedRefiner(catalog, principal.tenantId, model) : null;
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
    modelId,
    generation: {
      ...request,
      modelId,
      refinerModel,
      seed: request.seed ?? randomInt(0, GENERATION_LIMITS.seed.max),
    },
    outputs: request.samples,
    extension: OUTPUT_EXTENSIONS[request.outputFormat],
    metaOverrides: NOT_APPLIED_META,
    price,
    trackId: request.trackId,
    webhook: request.webhook,
  };
}

/** Every model the request names: a ready model of its category that the tenant may use, else "Model id not found". Returns the first (the base model). */
async function requireModels(
  catalog: ModelCatalog,
  tenantId: string,
  wanted: ReadonlyArray<readonly [string, ModelCategory]>,
): Promise<ModelEntry> {
  const found: ModelEntry[] = [];
  for (const [id, category] of wanted) {
    const model = await catalog.find(tenantId, id);
    if (!model || model.category !== category) throw new ModelNotFoundError();
    found.push(model);
  }
  return found[0]!;
}
