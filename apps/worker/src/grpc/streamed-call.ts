import type { ServerWritableStream } from '@grpc/grpc-js';
import type { GenerationSlots } from '../generation-slots';
import { toServiceError } from './errors';
import { slottedCall } from './slotted-call';

/**
 * A server-streaming direct call on slottedCall's terms: `work` writes events while the client is
 * there and returns the last one; a client that goes away aborts its signal.
 */
export async function streamedSlottedCall<Req, Params, Res>(
  call: ServerWritableStream<Req, Res>,
  read: (request: Req) => Params,
  slots: GenerationSlots,
  work: (params: Params, signal: AbortSignal, write: (message: Res) => void) => Promise<Res>,
  check?: (params: Params) => Promise<unknown>,
): Promise<void> {
  const abort = new AbortController();
  const onCancelled = () => abort.abort(new Error('the client went away'));
  call.on('cancelled', onCancelled);
  const write = (message: Res) => {
    if (!call.cancelled) call.write(message);
  };
  try {
    const last = await slottedCall(call.request, read, slots, (params) => work(params, abort.signal, write), check);
    if (call.cancelled) return;
    call.write(last);
    call.end();
  } catch (error) {
    if (call.cancelled) return;
    call.emit('error', toServiceError(error));
  } finally {
    call.off('cancelled', onCancelled);
  }
}
