import { create } from '@bufbuild/protobuf';
import { status, type UntypedServiceImplementation } from '@grpc/grpc-js';
import { fromEditRequest, imageeditingv1, MalformedMessageError } from '@easel/contracts';
import type { GenerationSlots } from '../generation-slots';
import { GrpcError } from '../grpc/errors';
import type { GrpcServiceEntry } from '../grpc/server';
import { unary } from '../grpc/unary';
import type { ImageEditing } from './image-editing';

/**
 * easel.image_editing.v1.ImageEditingService: the bus jobs' path (ImageEditing) for direct calls,
 * in the worker's shared slots (a call is refused while jobs fill them).
 */
export function imageEditingGrpcEntry(editing: ImageEditing, slots: GenerationSlots): GrpcServiceEntry {
  const handlers: UntypedServiceImplementation = {
    edit: unary(async (request: imageeditingv1.EditRequest) => {
      let params;
      try {
        params = fromEditRequest(request);
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
        const { result, image, mimeType } = await editing.run(params);
        return create(imageeditingv1.EditResponseSchema, {
          image,
          mimeType,
          width: result.width,
          height: result.height,
          kind: result.kind,
          foregroundFraction: result.foregroundFraction,
          seed: BigInt(result.seed),
          generationTime: result.generationTime,
        });
      } finally {
        slots.release();
      }
    }),
  };
  return {
    service: imageeditingv1.ImageEditingService,
    file: imageeditingv1.file_easel_image_editing_v1_image_editing,
    handlers,
  };
}
