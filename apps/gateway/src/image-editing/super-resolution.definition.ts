import { Inject, Injectable } from '@nestjs/common';
import {
  OUTPUT_EXTENSIONS,
  SUPER_RESOLUTION_KIND,
  SUPER_RESOLUTION_SERVICE,
  type SuperResolutionParams,
  type SuperResolutionResult,
} from '@easel/contracts';
import { priceOfSuperResolution } from '../billing/pricing';
import { ValidationError } from '../common/api-errors';
import { storedRequest } from '../jobs/job-message';
import type { JobWithArtifacts } from '../jobs/job-responses';
import { DefinesService, type PreparedJob, type ServiceDefinition } from '../jobs/service-definition';
import type { Principal } from '../keys/principal';
import type { ModelCatalog } from '@easel/model-store';
import { MODEL_CATALOG } from '../tokens';
import { findFaceModel, NO_FACE_MODEL } from './face-model';
import { FACE_RESTORE_CREDITS } from './image-editing-pricing';
import { superResolutionMeta } from './super-resolution-meta';
import { parseSuperResolutionRequest, SUPER_RESOLUTION_REQUEST } from './super-resolution-request';

/** `super_resolution` on its own service: one image, 2–4× larger. */
@Injectable()
@DefinesService()
export class SuperResolutionDefinition implements ServiceDefinition {
  readonly service = SUPER_RESOLUTION_SERVICE;
  readonly kinds = [SUPER_RESOLUTION_KIND];
  readonly pricing =
    "0.25 credits per output megapixel, priced as a 512×512 input (2× 0.25 credits, 3× 0.563, 4× 1) since the input size is known only once fetched; face_enhance adds face_restore's 0.1. Held when the job is accepted, captured on success, released on failure.";

  constructor(@Inject(MODEL_CATALOG) private readonly catalog: ModelCatalog) {}

  async prepare(principal: Principal, _kind: string, body: Record<string, unknown>): Promise<PreparedJob> {
    const parsed = parseSuperResolutionRequest(body);
    // face_enhance without a face model is reported with the request's other bad fields.
    const wantsFace = parsed.ok
      ? parsed.value.faceEnhance
      : SUPER_RESOLUTION_REQUEST.read(body).values.face_enhance;
    const faceModel = wantsFace ? await findFaceModel(this.catalog, principal.tenantId, null) : null;
    const errors = parsed.ok ? {} : { ...parsed.errors };
    if (wantsFace && faceModel === null && !errors.face_enhance)
      errors.face_enhance = [
        `The face enhance option is not available in this deployment: ${NO_FACE_MODEL}; send face_enhance: no.`,
      ];
    if (!parsed.ok || Object.keys(errors).length > 0) throw new ValidationError(errors);
    const { webhook, trackId, faceEnhance: _faceEnhance, ...request } = parsed.value;
    const params: SuperResolutionParams = { ...request, faceModel };
    return {
      kind: SUPER_RESOLUTION_KIND,
      modelId: params.upscaleModel,
      params: params as unknown as Record<string, unknown>,
      outputs: 1,
      extension: OUTPUT_EXTENSIONS[params.outputFormat],
      price: priceOfSuperResolution(params.scale) + (faceModel ? FACE_RESTORE_CREDITS : 0),
      trackId,
      webhook,
    };
  }

  successMeta(job: JobWithArtifacts): Record<string, unknown> {
    return superResolutionMeta(
      storedRequest(job).params as unknown as SuperResolutionParams,
      job.result as unknown as SuperResolutionResult,
    );
  }

  requestSchema() {
    return SUPER_RESOLUTION_REQUEST.jsonSchema();
  }
}
