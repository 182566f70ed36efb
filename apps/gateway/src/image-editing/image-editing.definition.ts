import { randomInt } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import {
  IMAGE_EDITING_KINDS,
  IMAGE_EDITING_SERVICE,
  type ImageEditingResult,
  type RemoveBackgroundParams,
} from '@easel/contracts';
import { ValidationError } from '../common/api-errors';
import { GENERATION_LIMITS } from '../generation/request/generation-limits';
import { storedRequest } from '../jobs/job-message';
import type { JobWithArtifacts } from '../jobs/job-responses';
import { DefinesService, type PreparedJob, type ServiceDefinition } from '../jobs/service-definition';
import type { Principal } from '../keys/principal';
import { REMOVE_BACKGROUND_CREDITS } from './image-editing-pricing';
import { removeBackgroundMeta } from './removebg-meta';
import { parseRemoveBackgroundRequest, REMOVE_BACKGROUND_REQUEST } from './removebg-request';

/** The `image_editing` service: background removal so far, each edit a job kind of its own. */
@Injectable()
@DefinesService()
export class ImageEditingDefinition implements ServiceDefinition {
  readonly service = IMAGE_EDITING_SERVICE;
  readonly kinds = IMAGE_EDITING_KINDS;
  readonly fetchPath = '/api/v6/image_editing/fetch';
  readonly pricing = `removebg_mask: ${REMOVE_BACKGROUND_CREDITS} credits per image, whatever its size. Held when the job is accepted, captured on success, released on failure.`;

  async prepare(_principal: Principal, _kind: string, body: Record<string, unknown>): Promise<PreparedJob> {
    const parsed = parseRemoveBackgroundRequest(body);
    if (!parsed.ok) throw new ValidationError(parsed.errors);
    const { webhook, trackId, ...request } = parsed.value;
    const params: RemoveBackgroundParams = {
      ...request,
      seed: request.seed ?? randomInt(0, GENERATION_LIMITS.seed.max),
    };
    return {
      kind: params.kind,
      modelId: null,
      params: params as unknown as Record<string, unknown>,
      outputs: 1,
      extension: 'png',
      price: REMOVE_BACKGROUND_CREDITS,
      trackId,
      webhook,
    };
  }

  successMeta(job: JobWithArtifacts): Record<string, unknown> {
    return removeBackgroundMeta(
      storedRequest(job).params as unknown as RemoveBackgroundParams,
      job.result as unknown as ImageEditingResult,
    );
  }

  requestSchema() {
    return REMOVE_BACKGROUND_REQUEST.jsonSchema();
  }
}
