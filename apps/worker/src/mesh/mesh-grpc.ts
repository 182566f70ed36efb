import { create } from '@bufbuild/protobuf';
import type { ServerWritableStream, UntypedServiceImplementation } from '@grpc/grpc-js';
import { fromMeshRequest, meshv1 } from '@easel/contracts';
import type { GenerationSlots } from '../generation-slots';
import type { GrpcServiceEntry } from '../grpc/server';
import { streamedSlottedCall } from '../grpc/streamed-call';
import type { MeshGeneration } from './mesh-generation';

/**
 * easel.mesh.v1.MeshService: the bus jobs' path (MeshGeneration) for direct calls, in the worker's
 * shared slots. Progress streams as `progress` events (a prior step, the surface, the files), then
 * one `mesh`; a client that goes away stops the generation.
 */
export function meshGrpcEntry(mesh: MeshGeneration, slots: GenerationSlots): GrpcServiceEntry {
  const handlers: UntypedServiceImplementation = {
    generate: (call: ServerWritableStream<meshv1.GenerateRequest, meshv1.GenerateResponse>) =>
      void streamedSlottedCall(
        call,
        fromMeshRequest,
        slots,
        async (params, signal, write) => {
          const { result, files } = await mesh.run(call.request.tenantId, params, {
            signal,
            onProgress: (e) => write(create(meshv1.GenerateResponseSchema, { event: { case: 'progress', value: { step: e.step, total: e.total, phase: e.phase } } })),
          });
          const [meshFile, preview, turntable] = files;
          return create(meshv1.GenerateResponseSchema, {
            event: {
              case: 'mesh',
              value: {
                mesh: meshFile.body,
                mimeType: meshFile.contentType,
                preview: preview.body,
                turntable: turntable?.body,
                vertices: result.vertices,
                triangles: result.triangles,
                seed: BigInt(result.seed),
                modelId: result.modelId,
                generationTime: result.generationTime,
              },
            },
          });
        },
        (params) => mesh.resolveModel(call.request.tenantId, params.modelId),
      ),
  };
  return { service: meshv1.MeshService, file: meshv1.file_easel_mesh_v1_mesh, handlers };
}
