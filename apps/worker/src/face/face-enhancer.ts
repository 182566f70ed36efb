import type { FaceRestorer } from '@easel/engine-face';
import type { ModelCatalog } from '@easel/model-store';
import { PermanentJobError } from '../service-handler';

/**
 * A face_restore model id → its graph, for the job's tenant, run on an image: what face_restore
 * (image_editing) and face_enhance (super_resolution) share. The gateway resolved the id; the model
 * may have been deleted since, which fails the job at once.
 */
export class FaceEnhancer {
  constructor(
    private readonly restorer: FaceRestorer,
    private readonly catalog: ModelCatalog,
  ) {}

  async restore(
    tenantId: string,
    modelId: string,
    image: Buffer,
    field: string,
    fidelity = 0.5,
  ): Promise<Buffer> {
    const model = await this.catalog.find(tenantId, modelId);
    if (!model || model.category !== 'face_restore')
      throw new PermanentJobError('Model id not found', field, 'model_not_found');
    const location = this.catalog.materialize ? await this.catalog.materialize(model) : model.location;
    try {
      return (await this.restorer.restore(location, image, { fidelity })).image;
    } catch (error) {
      // A graph ONNX Runtime cannot load or run (not GFPGAN's interface): running it again cannot help.
      throw new PermanentJobError(
        `The face_restore model ${modelId} could not run: ${(error as Error).message}`,
        field,
      );
    }
  }
}
