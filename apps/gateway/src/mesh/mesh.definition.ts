import { randomInt } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { EaselConfig } from '@easel/config';
import { MESH_CATEGORY, MESH_KINDS, MESH_SERVICE, type MeshKind, type MeshParams } from '@easel/contracts';
import type { ModelCatalog } from '@easel/model-store';
import { ModelNotFoundError, ValidationError } from '../common/api-errors';
import type { Schema } from '../common/request/json-schema';
import { GENERATION_LIMITS } from '../generation/request/generation-limits';
import type { JobWithArtifacts } from '../jobs/job-responses';
import { DefinesService, type PreparedJob, type ServiceDefinition } from '../jobs/service-definition';
import type { Principal } from '../keys/principal';
import { CONFIG, MODEL_CATALOG } from '../tokens';
import { MESH_REQUEST } from './mesh-fields';
import { meshMeta } from './mesh-meta';
import { MESH_PRICING, meshPrice } from './mesh-pricing';
import { parseMeshRequest } from './mesh-request';

export const MESH_FETCH_PATH = '/api/v6/3d/fetch';

/** POST /api/v6/3d/text_to_3d and image_to_3d on the mesh service. */
@Injectable()
@DefinesService()
export class MeshDefinition implements ServiceDefinition {
  readonly service = MESH_SERVICE;
  readonly kinds = MESH_KINDS;
  readonly fetchPath = MESH_FETCH_PATH;
  readonly pricing = MESH_PRICING;
  /** The mesh is `output`; the preview PNG and the turntable GIF come as fields of their own. */
  readonly extraOutputs = ['preview', 'turntable'] as const;

  constructor(
    @Inject(CONFIG) private readonly config: EaselConfig,
    @Inject(MODEL_CATALOG) private readonly catalog: ModelCatalog,
  ) {}

  async prepare(principal: Principal, kind: string, body: Record<string, unknown>): Promise<PreparedJob> {
    const parsed = parseMeshRequest(kind as MeshKind, body);
    if (!parsed.ok) throw new ValidationError(parsed.errors);
    const { webhook, trackId, instantResponse: _instant, ...request } = parsed.value;
    const modelId = request.modelId ?? this.config.EASEL_DEFAULT_MESH_MODEL;
    const model = await this.catalog.find(principal.tenantId, modelId);
    // As for any model this key may not use: the dialect's "Model id not found" (an image model is not a 3D model).
    if (!model || model.category !== MESH_CATEGORY) throw new ModelNotFoundError();
    const params: MeshParams & { echoed: Record<string, number> } = { ...request, modelId, seed: request.seed ?? randomInt(1, GENERATION_LIMITS.seed.max) };
    return {
      kind,
      modelId,
      params: params as unknown as Record<string, unknown>,
      outputs: 1,
      extension: params.outputFormat,
      price: meshPrice(params),
      trackId,
      webhook,
    };
  }

  successMeta(job: JobWithArtifacts): Record<string, unknown> {
    return meshMeta(job);
  }

  requestSchema(kind: string): Schema {
    return MESH_REQUEST.jsonSchema(kind);
  }
}
