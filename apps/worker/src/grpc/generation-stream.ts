import { create } from '@bufbuild/protobuf';
import { status, type ServerWritableStream } from '@grpc/grpc-js';
import { diffusionv1 } from '@easel/contracts';
import type { DiffusionGeneration, Generation, GenerationInput } from '../diffusion/diffusion-generation';
import type { GenerationSlots } from '../generation-slots';
import { GrpcError, toServiceError } from './errors';

/** The oneof every Generate stream's events carry: the diffusion service's progress and result. */
export type GenerationEvent =
  | { case: 'progress'; value: diffusionv1.GenerateProgress }
  | { case: 'result'; value: diffusionv1.GenerateResult };

export interface GenerationStreamOptions<Req, Event> {
  generation: DiffusionGeneration;
  slots: GenerationSlots;
  /** The request as a generation; throws GrpcError (INVALID_ARGUMENT) for a malformed one. */
  input(request: Req): GenerationInput;
  /** Wraps one event into the service's own event message. */
  event(event: GenerationEvent): Event;
}

/**
 * One server-streaming Generate call (diffusion, controlnet): the model resolved before a slot is
 * taken (an unknown one is NOT_FOUND), RESOURCE_EXHAUSTED when every slot is busy, progress events,
 * then one result; a client that goes away cancels the generation.
 */
export async function streamGeneration<Req, Event>(call: ServerWritableStream<Req, Event>, o: GenerationStreamOptions<Req, Event>): Promise<void> {
  const abort = new AbortController();
  const onCancelled = () => abort.abort();
  call.on('cancelled', onCancelled);
  let slot = false;
  try {
    const input = o.input(call.request);
    const resolved = await o.generation.resolveModel(input.tenantId, input.modelId);
    if (!o.slots.tryAcquire()) {
      throw new GrpcError(status.RESOURCE_EXHAUSTED, `all ${o.slots.total} generation slot(s) are busy; retry later`, undefined, 'no_free_slot');
    }
    slot = true;
    const started = performance.now();
    const generation = await o.generation.run(
      input,
      {
        signal: abort.signal,
        onProgress: ({ step, total, elapsedMs }) => {
          if (call.cancelled) return;
          const eta = step > 0 ? ((elapsedMs / step) * (total - step)) / 1000 : 0;
          call.write(o.event({ case: 'progress', value: create(diffusionv1.GenerateProgressSchema, { step, total, eta }) }));
        },
      },
      resolved,
    );
    if (call.cancelled) return;
    call.write(o.event({ case: 'result', value: toProtoResult(generation, (performance.now() - started) / 1000) }));
    call.end();
  } catch (error) {
    if (call.cancelled) return; // the client is gone: nobody to tell
    call.emit('error', toServiceError(error));
  } finally {
    if (slot) o.slots.release();
    call.off('cancelled', onCancelled);
  }
}

function toProtoResult(g: Generation, seconds: number): diffusionv1.GenerateResult {
  const r = g.result;
  return create(diffusionv1.GenerateResultSchema, {
    images: g.images.map((data) => ({ data, mimeType: g.mimeType })),
    seeds: r.seeds.map((seed) => BigInt(seed)),
    width: r.width,
    height: r.height,
    steps: r.steps,
    scheduler: r.scheduler,
    modelId: r.modelId,
    format: r.format,
    guidanceScale: g.guidanceScale,
    generationTime: seconds,
    nsfwContentDetected: r.nsfwContentDetected,
    timings: r.timings,
  });
}
