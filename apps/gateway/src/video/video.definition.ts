import { randomInt } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { EaselConfig } from '@easel/config';
import { VIDEO_CATEGORY, VIDEO_EXTENSIONS, VIDEO_KINDS, VIDEO_SERVICE, type VideoKind, type VideoParams } from '@easel/contracts';
import type { ModelCatalog } from '@easel/model-store';
import { ModelNotFoundError, ValidationError } from '../common/api-errors';
import type { Schema } from '../common/request/json-schema';
import { GENERATION_LIMITS } from '../generation/request/generation-limits';
import type { JobWithArtifacts } from '../jobs/job-responses';
import { DefinesService, type PreparedJob, type ServiceDefinition } from '../jobs/service-definition';
import type { Principal } from '../keys/principal';
import { CONFIG, MODEL_CATALOG } from '../tokens';
import { VIDEO_REQUEST } from './video-fields';
import { videoMeta } from './video-meta';
import { VIDEO_PRICING, videoPrice } from './video-pricing';
import { parseVideoRequest } from './video-request';

export const VIDEO_FETCH_PATH = '/api/v6/video/fetch';

/** POST /api/v6/video/text2video and img2video on the video service. */
@Injectable()
@DefinesService()
export class VideoDefinition implements ServiceDefinition {
  readonly service = VIDEO_SERVICE;
  readonly kinds = VIDEO_KINDS;
  readonly fetchPath = VIDEO_FETCH_PATH;
  readonly pricing = VIDEO_PRICING;

  constructor(
    @Inject(CONFIG) private readonly config: EaselConfig,
    @Inject(MODEL_CATALOG) private readonly catalog: ModelCatalog,
  ) {}

  async prepare(principal: Principal, kind: string, body: Record<string, unknown>): Promise<PreparedJob> {
    const parsed = parseVideoRequest(kind as VideoKind, body);
    if (!parsed.ok) throw new ValidationError(parsed.errors);
    const { webhook, trackId, instantResponse: _instant, ...request } = parsed.value;
    const modelId = request.modelId ?? this.config.EASEL_DEFAULT_VIDEO_MODEL;
    const model = await this.catalog.find(principal.tenantId, modelId);
    // As for any model this key may not use: the dialect's "Model id not found" (an image model is not a video model).
    if (!model || model.category !== VIDEO_CATEGORY) throw new ModelNotFoundError();
    const params: VideoParams = { ...request, modelId, seed: request.seed ?? randomInt(0, GENERATION_LIMITS.seed.max) };
    return {
      kind,
      modelId,
      params: params as unknown as Record<string, unknown>,
      outputs: 1,
      extension: VIDEO_EXTENSIONS[params.outputType],
      price: videoPrice(params),
      trackId,
      webhook,
    };
  }

  successMeta(job: JobWithArtifacts): Record<string, unknown> {
    return videoMeta(job);
  }

  requestSchema(kind: string): Schema {
    return VIDEO_REQUEST.jsonSchema(kind);
  }
}
