import type { ModelCatalog } from '@easel/model-store';
import { ModelNotFoundError } from '../common/api-errors';

/**
 * The face_restore model a request runs on, for its tenant: the one it names (else "Model id not
 * found"), or the newest ready face_restore model the tenant may use — null when there is none. No
 * face model can be bundled (none has a permissive licence), so the caller refuses the request then.
 */
export async function findFaceModel(
  catalog: ModelCatalog,
  tenantId: string,
  requested: string | null,
): Promise<string | null> {
  if (requested !== null) {
    const model = await catalog.find(tenantId, requested);
    if (!model || model.category !== 'face_restore') throw new ModelNotFoundError();
    return model.modelId;
  }
  const ready = (await catalog.list(tenantId)).filter(
    (m) => m.category === 'face_restore' && m.status === 'ready',
  );
  return ready.at(-1)?.modelId ?? null;
}

export const NO_FACE_MODEL =
  'no face_restore model is loaded (none is bundled: load a GFPGAN- or CodeFormer-style ONNX graph with POST /api/v3/load_model, model_category face_restore)';
