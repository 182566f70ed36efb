import { create } from '@bufbuild/protobuf';
import { status, type ServerWritableStream, type UntypedServiceImplementation } from '@grpc/grpc-js';
import { chatv1, fromCompleteRequest, MalformedMessageError } from '@easel/contracts';
import type { GenerationSlots } from '../generation-slots';
import { GrpcError, toServiceError } from '../grpc/errors';
import type { GrpcServiceEntry } from '../grpc/server';
import { unary } from '../grpc/unary';
import type { ChatCompletions } from './chat-completions';

/**
 * easel.chat.v1.ChatService: the bus jobs' path (ChatCompletions) for direct calls, in the
 * worker's shared slots. The reply streams as `chunk` events, then one `result`; a client that
 * goes away stops the reply.
 */
export function chatGrpcEntry(chat: ChatCompletions, slots: GenerationSlots, device: string): GrpcServiceEntry {
  const handlers: UntypedServiceImplementation = {
    complete: (call: ServerWritableStream<chatv1.CompleteRequest, chatv1.CompleteEvent>) => void complete(call, chat, slots),
    getCapacity: unary(() =>
      Promise.resolve(
        create(chatv1.GetCapacityResponseSchema, { slotsTotal: slots.total, slotsBusy: slots.busy, loadedModels: chat.loadedModels(), device }),
      ),
    ),
  };
  return { service: chatv1.ChatService, file: chatv1.file_easel_chat_v1_chat, handlers };
}

async function complete(call: ServerWritableStream<chatv1.CompleteRequest, chatv1.CompleteEvent>, chat: ChatCompletions, slots: GenerationSlots): Promise<void> {
  const abort = new AbortController();
  const onCancelled = () => abort.abort(new Error('the client went away'));
  call.on('cancelled', onCancelled);
  let slot = false;
  try {
    let params;
    try {
      params = fromCompleteRequest(call.request);
    } catch (error) {
      if (error instanceof MalformedMessageError) throw new GrpcError(status.INVALID_ARGUMENT, error.message, undefined, 'invalid_argument');
      throw error;
    }
    await chat.resolveModel(call.request.tenantId, params.modelId);
    if (!slots.tryAcquire()) throw new GrpcError(status.RESOURCE_EXHAUSTED, `all ${slots.total} slot(s) are busy; retry later`, undefined, 'no_free_slot');
    slot = true;
    const reply = await chat.complete(call.request.tenantId, params, {
      signal: abort.signal,
      onText: (text) => {
        if (!call.cancelled) call.write(create(chatv1.CompleteEventSchema, { event: { case: 'chunk', value: { text } } }));
      },
    });
    if (call.cancelled) return;
    call.write(
      create(chatv1.CompleteEventSchema, {
        event: { case: 'result', value: { ...reply, seed: BigInt(reply.seed) } },
      }),
    );
    call.end();
  } catch (error) {
    if (call.cancelled) return;
    call.emit('error', toServiceError(error));
  } finally {
    if (slot) slots.release();
    call.off('cancelled', onCancelled);
  }
}
