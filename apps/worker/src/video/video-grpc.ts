import { create } from '@bufbuild/protobuf';
import type { ServerWritableStream, UntypedServiceImplementation } from '@grpc/grpc-js';
import { fromVideoRequest, videov1 } from '@easel/contracts';
import type { GenerationSlots } from '../generation-slots';
import type { GrpcServiceEntry } from '../grpc/server';
import { streamedSlottedCall } from '../grpc/streamed-call';
import type { VideoGeneration } from './video-generation';

/**
 * easel.video.v1.VideoService: the bus jobs' path (VideoGeneration) for direct calls, in the
 * worker's shared slots. Progress streams as `progress` events (a denoising step, a decoded
 * frame), then one `clip`; a client that goes away stops the generation.
 */
export function videoGrpcEntry(video: VideoGeneration, slots: GenerationSlots): GrpcServiceEntry {
  const handlers: UntypedServiceImplementation = {
    generate: (call: ServerWritableStream<videov1.GenerateRequest, videov1.GenerateResponse>) =>
      void streamedSlottedCall(
        call,
        fromVideoRequest,
        slots,
        async (params, signal, write) => {
          const { result, video: bytes, mimeType } = await video.run(call.request.tenantId, params, {
            signal,
            onProgress: (e) =>
              write(create(videov1.GenerateResponseSchema, { event: { case: 'progress', value: { step: e.step, total: e.total, phase: e.phase } } })),
          });
          return create(videov1.GenerateResponseSchema, {
            event: {
              case: 'clip',
              value: {
                video: bytes,
                mimeType,
                numFrames: result.numFrames,
                fps: result.fps,
                width: result.width,
                height: result.height,
                seed: BigInt(result.seed),
                modelId: result.modelId,
                generationTime: result.generationTime,
              },
            },
          });
        },
        (params) => video.resolveModel(call.request.tenantId, params.modelId),
      ),
  };
  return { service: videov1.VideoService, file: videov1.file_easel_video_v1_video, handlers };
}
