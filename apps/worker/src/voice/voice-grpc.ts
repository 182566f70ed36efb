import { create } from '@bufbuild/protobuf';
import type { ServerWritableStream, UntypedServiceImplementation } from '@grpc/grpc-js';
import { fromVoiceRequest, voicev1 } from '@easel/contracts';
import type { GenerationSlots } from '../generation-slots';
import type { GrpcServiceEntry } from '../grpc/server';
import { streamedSlottedCall } from '../grpc/streamed-call';
import type { VoiceGeneration } from './voice-generation';

/**
 * easel.voice.v1.VoiceService: the bus jobs' path (VoiceGeneration) for direct calls, in the worker's
 * shared slots. Progress streams as `progress` events (speech, clone, encode), then one `audio`.
 */
export function voiceGrpcEntry(voice: VoiceGeneration, slots: GenerationSlots): GrpcServiceEntry {
  const handlers: UntypedServiceImplementation = {
    generate: (call: ServerWritableStream<voicev1.GenerateRequest, voicev1.GenerateResponse>) =>
      void streamedSlottedCall(
        call,
        fromVoiceRequest,
        slots,
        async (params, signal, write) => {
          const { result, file } = await voice.run(call.request.tenantId, params, {
            signal,
            onProgress: (e) => write(create(voicev1.GenerateResponseSchema, { event: { case: 'progress', value: e } })),
          });
          return create(voicev1.GenerateResponseSchema, {
            event: {
              case: 'audio',
              value: {
                audio: file.body,
                mimeType: file.contentType,
                audioTime: result.audioTime,
                sampleRate: result.sampleRate,
                seed: BigInt(result.seed),
                modelId: result.modelId ?? undefined,
                voice: result.voice,
                generationTime: result.generationTime,
              },
            },
          });
        },
        (params) => voice.resolveModel(call.request.tenantId, params),
      ),
  };
  return { service: voicev1.VoiceService, file: voicev1.file_easel_voice_v1_voice, handlers };
}
