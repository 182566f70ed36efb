import { create } from '@bufbuild/protobuf';
import type { UntypedServiceImplementation } from '@grpc/grpc-js';
import { fromSuperResolutionRequest, superresolutionv1 } from '@easel/contracts';
import type { GenerationSlots } from '../generation-slots';
import type { SuperResolution } from '../super-resolution/super-resolution-handler';
import type { GrpcServiceEntry } from './server';
import { slottedCall } from './slotted-call';
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
    superResolution: unary((request: superresolutionv1.SuperResolutionRequest) =>
      slottedCall(request, fromSuperResolutionRequest, slots, async (params) => {
        // A direct call names its tenant in the request (a bus job's envelope carries it).
        const { result, image, mimeType } = await superResolution.run(params, undefined, request.tenantId);
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
          faceModel: result.faceModel ?? undefined,
          generationTime: result.generationTime,
        });
      }),
    ),
  };
  return {
    service: superresolutionv1.SuperResolutionService,
    file: superresolutionv1.file_easel_super_resolution_v1_super_resolution,
    handlers,
  };
}
