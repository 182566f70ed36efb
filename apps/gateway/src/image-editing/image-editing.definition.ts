import { randomInt } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import {
  FACE_RESTORE_KIND,
  IMAGE_EDITING_KINDS,
  IMAGE_EDITING_SERVICE,
  OBJECT_REMOVAL_KIND,
  type FaceRestoreParams,
  type ImageEditingParams,
  type ImageEditingResult,
  type RemoveBackgroundParams,
} from '@easel/contracts';
import type { ModelCatalog } from '@easel/model-store';
import { ValidationError } from '../common/api-errors';
import type { Parsed } from '../common/request/field-reader';
import { GENERATION_LIMITS } from '../generation/request/generation-limits';
import { storedRequest } from '../jobs/job-message';
import type { JobWithArtifacts } from '../jobs/job-responses';
import { DefinesService, type PreparedJob, type ServiceDefinition } from '../jobs/service-definition';
import type { Principal } from '../keys/principal';
import { MODEL_CATALOG } from '../tokens';
import { findFaceModel, NO_FACE_MODEL } from './face-model';
import { FACE_RESTORE_REQUEST, parseFaceRestoreRequest } from './face-restore-request';
import {
  FACE_RESTORE_CREDITS,
  OBJECT_REMOVAL_CREDITS,
  REMOVE_BACKGROUND_CREDITS,
} from './image-editing-pricing';
import { editingMeta } from './image-editing-meta';
import { OBJECT_REMOVAL_REQUEST, parseObjectRemovalRequest } from './object-removal-request';
import { parseRemoveBackgroundRequest, REMOVE_BACKGROUND_REQUEST } from './removebg-request';

interface Delivery {
  webhook: string | null;
  trackId: string | number | null;
}

function parsed<T>(result: Parsed<T>): T {
  if (!result.ok) throw new ValidationError(result.errors);
  return result.value;
}

/** The `image_editing` service: background removal, object removal and face restoration, each a job kind. */
@Injectable()
@DefinesService()
export class ImageEditingDefinition implements ServiceDefinition {
  readonly service = IMAGE_EDITING_SERVICE;
  readonly kinds = IMAGE_EDITING_KINDS;
  readonly fetchPath = '/api/v6/image_editing/fetch';
  readonly pricing = `removebg_mask ${REMOVE_BACKGROUND_CREDITS}, object_removal ${OBJECT_REMOVAL_CREDITS}, face_restore ${FACE_RESTORE_CREDITS} credits per image, whatever its size. Held when the job is accepted, captured on success, released on failure.`;

  constructor(@Inject(MODEL_CATALOG) private readonly catalog: ModelCatalog) {}

  async prepare(principal: Principal, kind: string, body: Record<string, unknown>): Promise<PreparedJob> {
    const [params, delivery, price] = await this.params(principal, kind, body);
    return {
      kind: params.kind,
      modelId: null,
      params: params as unknown as Record<string, unknown>,
      outputs: 1,
      extension: 'png',
      price,
      ...delivery,
    };
  }

  private async params(
    principal: Principal,
    kind: string,
    body: Record<string, unknown>,
  ): Promise<[ImageEditingParams, Delivery, number]> {
    if (kind === OBJECT_REMOVAL_KIND) {
      const { webhook, trackId, ...params } = parsed(parseObjectRemovalRequest(body));
      return [params, { webhook, trackId }, OBJECT_REMOVAL_CREDITS];
    }
    if (kind === FACE_RESTORE_KIND) {
      const { webhook, trackId, modelId, ...request } = parsed(parseFaceRestoreRequest(body));
      const faceModel = await findFaceModel(this.catalog, principal.tenantId, modelId);
      if (faceModel === null)
        throw new ValidationError({
          model_id: [`The face restore endpoint is not available in this deployment: ${NO_FACE_MODEL}.`],
        });
      const params: FaceRestoreParams = { ...request, faceModel };
      return [params, { webhook, trackId }, FACE_RESTORE_CREDITS];
    }
    const { webhook, trackId, ...request } = parsed(parseRemoveBackgroundRequest(body));
    const params: RemoveBackgroundParams = {
      ...request,
      seed: request.seed ?? randomInt(0, GENERATION_LIMITS.seed.max),
    };
    return [params, { webhook, trackId }, REMOVE_BACKGROUND_CREDITS];
  }

  successMeta(job: JobWithArtifacts): Record<string, unknown> {
    return editingMeta(
      storedRequest(job).params as unknown as ImageEditingParams,
      job.result as unknown as ImageEditingResult,
    );
  }

  requestSchema(kind: string) {
    if (kind === OBJECT_REMOVAL_KIND) return OBJECT_REMOVAL_REQUEST.jsonSchema();
    if (kind === FACE_RESTORE_KIND) return FACE_RESTORE_REQUEST.jsonSchema();
    return REMOVE_BACKGROUND_REQUEST.jsonSchema();
  }
}
