import { Inject, Injectable } from '@nestjs/common';
import type { EaselConfig } from '@easel/config';
import { CONTROLNET_KIND, CONTROLNET_KINDS, CONTROLNET_SERVICE, type ControlNetParams } from '@easel/contracts';
import type { ModelCatalog } from '@easel/model-store';
import { ValidationError } from '../common/api-errors';
import type { Schema } from '../common/request/json-schema';
import { prepareGeneration } from '../generation/prepare-generation';
import { GENERATION_REQUEST } from '../generation/request/generation-fields';
import type { JobWithArtifacts } from '../jobs/job-responses';
import { DefinesService, type PreparedJob, type ServiceDefinition } from '../jobs/service-definition';
import type { Principal } from '../keys/principal';
import { CONFIG, MODEL_CATALOG } from '../tokens';
import { CONTROLNET_REQUEST } from './controlnet-fields';
import { controlNetMeta } from './controlnet-meta';
import { CONTROLNET_PRICE_SHARE, controlNetPrice } from './controlnet-pricing';
import { parseControlNetRequest } from './controlnet-request';

/** POST /api/v5/controlnet on the controlnet service: a generation steered by ControlNets. */
@Injectable()
@DefinesService()
export class ControlNetDefinition implements ServiceDefinition {
  readonly service = CONTROLNET_SERVICE;
  readonly kinds = CONTROLNET_KINDS;
  readonly fetchPath = '/api/v5/fetch';
  readonly pricing = `The generation's price (1 credit per 512×512 image at 20 steps, scaled by pixels, steps and samples; upscale extra), plus ${CONTROLNET_PRICE_SHARE * 100} % of it per ControlNet. Held when the job is accepted, captured on success, released on failure.`;

  constructor(
    @Inject(CONFIG) private readonly config: EaselConfig,
    @Inject(MODEL_CATALOG) private readonly catalog: ModelCatalog,
  ) {}

  async prepare(principal: Principal, _kind: string, body: Record<string, unknown>): Promise<PreparedJob> {
    const parsed = parseControlNetRequest(body);
    if (!parsed.ok) throw new ValidationError(parsed.errors);
    const { generation: request, ...control } = parsed.value;
    await this.requireControlNets(principal.tenantId, control.controlnets.map((c) => c.model));
    const { generation, price, ...job } = await prepareGeneration(this.config, this.catalog, principal, request);
    const params: ControlNetParams = { kind: CONTROLNET_KIND, generation, ...control, temp: generation.temp, base64: generation.base64 };
    return {
      ...job,
      kind: CONTROLNET_KIND,
      params: params as unknown as Record<string, unknown>,
      price: controlNetPrice(price, control.controlnets.length),
    };
  }

  /** Each controlnet_model a ready ControlNet the tenant may use, else a 422 naming it. */
  private async requireControlNets(tenantId: string, ids: readonly string[]): Promise<void> {
    const missing: string[] = [];
    for (const id of ids) {
      const model = await this.catalog.find(tenantId, id);
      if (!model || model.category !== 'controlnet') missing.push(id);
    }
    if (missing.length > 0) {
      throw new ValidationError({
        controlnet_model: missing.map((id) => `The controlnet model ${id} was not found: it is not a ControlNet this key may use (see /api/v4/dreambooth/model_list).`),
      });
    }
  }

  successMeta(job: JobWithArtifacts): Record<string, unknown> {
    return controlNetMeta(job);
  }

  requestSchema(): Schema {
    const generation = GENERATION_REQUEST.jsonSchema();
    const control = CONTROLNET_REQUEST.jsonSchema();
    return {
      ...control,
      required: [...new Set([...(generation.required as string[]), ...(control.required as string[])])],
      properties: { ...(generation.properties as Record<string, Schema>), ...(control.properties as Record<string, Schema>) },
    };
  }
}
