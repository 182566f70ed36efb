import { create } from '@bufbuild/protobuf';
import type { ServerWritableStream, UntypedServiceImplementation } from '@grpc/grpc-js';
import { chatv1, fromCompleteRequest } from '@easel/contracts';
import type { GenerationSlots } from '../generation-slots';
import type { GrpcServiceEntry } from '../grpc/server';
import { streamedSlottedCall } from '../grpc/streamed-call';
import { unary } from '../grpc/unary';
import type { ChatCompletions } from './chat-completions';

/**
 * easel.chat.v1.ChatService: the bus jobs' path (ChatCompletions) for direct calls, in the
 * worker's shared slots. The reply streams as `chunk` events, then one `result`; a client that
 * goes away stops the reply.
 */
export function chatGrpcEntry(chat: ChatCompletions, slots: GenerationSlots, device: string): GrpcServiceEntry {
  const handlers: UntypedServiceImplementation = {
    complete: (call: ServerWritableStream<chatv1.CompleteRequest, chatv1.CompleteEvent>) =>
      void streamedSlottedCall(
        call,
        fromCompleteRequest,
        slots,
        async (params, signal, write) => {
          const reply = await chat.complete(call.request.tenantId, params, {
            signal,
            onText: (text) => write(create(chatv1.CompleteEventSchema, { event: { case: 'chunk', value: { text } } })),
          });
          return create(chatv1.CompleteEventSchema, { event: { case: 'result', value: { ...reply, seed: BigInt(reply.seed) } } });
        },
        (params) => chat.resolveModel(call.request.tenantId, params.modelId),
      ),
    getCapacity: unary(() =>
      Promise.resolve(
        create(chatv1.GetCapacityResponseSchema, { slotsTotal: slots.total, slotsBusy: slots.busy, loadedModels: chat.loadedModels(), device }),
      ),
    ),
  };
  return { service: chatv1.ChatService, file: chatv1.file_easel_chat_v1_chat, handlers };
}
