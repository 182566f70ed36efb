import { create } from '@bufbuild/protobuf';
import { status, type UntypedServiceImplementation } from '@grpc/grpc-js';
import { fromSuperResolutionRequest, MalformedMessageError, superresolutionv1 } from '@easel/contracts';
import type { GenerationSlots } from '../generation-slots';
import type { SuperResolution } from '../super-resolution/super-resolution-handler';
import { GrpcError } from './errors';
import type { GrpcServiceEntry } from './server';
import { unary } from './unary';

/**
 * easel.super_resolution.v1.SuperResolutionService: the bus jobs' path (SuperResolution) for
 * direct calls, in the worker's shared slots (a call is refused while jobs fill them).
 */
export function superResolutionGrpcEntry(
  superResolution: SuperResolution,
  slots: GenerationSlots,
): GrpcServiceEntry {
  const handlers: UntypedServiceImplementation = {
    superResolution: unary(async (request: superresolutionv1.SuperResolutionRequest) => {
      let params;
      try {
        params = fromSuperResolutionRequest(request);
      } catch (error) {
        if (error instanceof MalformedMessageError)
          throw new GrpcError(status.INVALID_ARGUMENT, error.message, undefined, 'invalid_argument');
        throw error;
      }
      if (!slots.tryAcquire())
        throw new GrpcError(
          status.RESOURCE_EXHAUSTED,
          `all ${slots.total} slot(s) are busy; retry later`,
          undefined,
          'no_free_slot',
        );
      try {
        const { result, image, mimeType } = await superResolution.run(params);
        return create(superresolutionv1.SuperResolutionResponseSchema, {
          image,
          mimeType,
          width: result.width,
          height: result.height,
          inputWidth: result.inputWidth,
          inputHeight: result.inputHeight,
          scale: result.scale,
          modelId: result.modelId,
          upscaleModel: result.upscaleModel,
          generationTime: result.generationTime,
        });
      } finally {
        slots.release();
      }
    }),
  };
  return {
    service: superresolutionv1.SuperResolutionService,
    file: superresolutionv1.file_easel_super_resolution_v1_super_resolution,
    handlers,
  };
}
