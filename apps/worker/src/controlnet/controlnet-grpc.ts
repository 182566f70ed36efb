import { create } from '@bufbuild/protobuf';
import type { ServerWritableStream, UntypedServiceImplementation } from '@grpc/grpc-js';
import { status } from '@grpc/grpc-js';
import { controlnetv1, fromControlNetRequest, MalformedMessageError } from '@easel/contracts';
import type { DiffusionEngine } from '@easel/engine-diffusion';
import type { DiffusionGeneration } from '../diffusion/diffusion-generation';
import type { GenerationSlots } from '../generation-slots';
import { GrpcError } from '../grpc/errors';
import { generationCapacity } from '../grpc/generation-capacity';
import { streamGeneration } from '../grpc/generation-stream';
import type { GrpcServiceEntry } from '../grpc/server';
import { unary } from '../grpc/unary';
import { controlNetInput } from './controlnet-input';

export interface ControlNetGrpcOptions {
  generation: DiffusionGeneration;
  engine: DiffusionEngine;
  slots: GenerationSlots;
  device: string;
}

/**
 * easel.controlnet.v1.ControlNetService: the bus jobs' path (the diffusion generation with its
 * ControlNets) for direct calls, in the worker's shared slots.
 */
export function controlNetGrpcEntry(o: ControlNetGrpcOptions): GrpcServiceEntry {
  const handlers: UntypedServiceImplementation = {
    generate: (call: ServerWritableStream<controlnetv1.GenerateRequest, controlnetv1.GenerateEvent>) =>
      void streamGeneration(call, {
        generation: o.generation,
        slots: o.slots,
        input: (req) => {
          try {
            const params = fromControlNetRequest(req);
            return controlNetInput(req.generation!.tenantId, req.generation!.modelId || null, params);
          } catch (error) {
            if (error instanceof MalformedMessageError) throw new GrpcError(status.INVALID_ARGUMENT, error.message, undefined, 'invalid_argument');
            throw error;
          }
        },
        event: (event) => create(controlnetv1.GenerateEventSchema, { event }),
      }),
    getCapacity: unary(async () => create(controlnetv1.GetCapacityResponseSchema, generationCapacity(o.slots, o.engine, o.generation, o.device))),
  };
  return { service: controlnetv1.ControlNetService, file: controlnetv1.file_easel_controlnet_v1_controlnet, handlers };
}
