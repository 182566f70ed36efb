import { MESH_SERVICE, type JobPayload, type MeshParams } from '@easel/contracts';
import type { JobContext, JobOutput, ServiceHandler } from '../service-handler';
import type { MeshGeneration } from './mesh-generation';

/** `text_to_3d` / `image_to_3d` jobs from the bus: a progress event per prior step, then the surface and the files. */
export class MeshHandler implements ServiceHandler {
  readonly service = MESH_SERVICE;

  constructor(private readonly mesh: MeshGeneration) {}

  async run(payload: JobPayload, context: JobContext): Promise<JobOutput> {
    const params = payload.params as unknown as MeshParams;
    const { result, files } = await this.mesh.run(payload.tenantId, params, {
      signal: context.signal,
      onProgress: (e) => context.progress(e.step, e.total, undefined, e.phase),
    });
    return { result: result as unknown as Record<string, unknown>, files };
  }
}
