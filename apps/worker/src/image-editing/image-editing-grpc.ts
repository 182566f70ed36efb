import { create } from '@bufbuild/protobuf';
import type { UntypedServiceImplementation } from '@grpc/grpc-js';
import { fromEditRequest, imageeditingv1 } from '@easel/contracts';
import type { GenerationSlots } from '../generation-slots';
import type { GrpcServiceEntry } from '../grpc/server';
import { slottedCall } from '../grpc/slotted-call';
import { unary } from '../grpc/unary';
import type { ImageEditing } from './image-editing';

/**
 * easel.image_editing.v1.ImageEditingService: the bus jobs' path (ImageEditing) for direct calls,
 * in the worker's shared slots (a call is refused while jobs fill them).
 */
export function imageEditingGrpcEntry(editing: ImageEditing, slots: GenerationSlots): GrpcServiceEntry {
  const handlers: UntypedServiceImplementation = {
    edit: unary((request: imageeditingv1.EditRequest) =>
      slottedCall(request, fromEditRequest, slots, async (params) => {
        // A direct call names its tenant in the request (a bus job's envelope carries it).
        const { result, image, mimeType } = await editing.run(params, request.tenantId);
        return create(imageeditingv1.EditResponseSchema, {
          image,
          mimeType,
          width: result.width,
          height: result.height,
          kind: result.kind,
          foregroundFraction: result.foregroundFraction ?? 0,
          seed: BigInt(result.seed ?? 0),
          maskFraction: result.maskFraction ?? 0,
          faceModel: result.faceModel ?? '',
          generationTime: result.generationTime,
        });
      }),
    ),
  };
  return {
    service: imageeditingv1.ImageEditingService,
    file: imageeditingv1.file_easel_image_editing_v1_image_editing,
    handlers,
  };
}
