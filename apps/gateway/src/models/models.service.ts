import { Inject, Injectable, Optional } from '@nestjs/common';
import type { JobBus } from '@easel/jobs';
import { ModelConflictError, type ModelCatalog, type ModelEntry, type ModelStore } from '@easel/model-store';
import { ModelIdTakenError, ModelLoadingUnavailableError, ModelNotFoundError, ValidationError } from '../common/api-errors';
import { JOB_BUS, MODEL_CATALOG, MODEL_STORE } from '../tokens';
import { parseLoadModelRequest, parseModelId } from './load-model-request';
import { modelTraitsOf } from './model-traits-of';

/** A ready stable_diffusion model's family (sd1, sd2, sdxl, sdxl-refiner, flux, sd3); null for others. */
async function familyOfEntry(m: ModelEntry) {
  return m.status === 'ready' ? ((await modelTraitsOf(m))?.family ?? null) : null;
}

/** load_model / delete_model / model_reload / model_list for one tenant. */
@Injectable()
export class ModelsService {
  constructor(
    @Inject(MODEL_CATALOG) private readonly catalog: ModelCatalog,
    @Inject(JOB_BUS) private readonly bus: JobBus,
    @Optional() @Inject(MODEL_STORE) private readonly store?: ModelStore,
  ) {}

  async list(tenantId: string) {
    const models = await this.catalog.list(tenantId);
    const families = await Promise.all(models.map((m) => familyOfEntry(m)));
    return models.map((m, i) => ({
      model_id: m.modelId,
      model_name: m.name,
      model_category: m.category,
      ...(families[i] ? { model_family: families[i] } : {}),
      status: m.status === 'ready' ? 'model_ready' : m.status,
      visibility: m.visibility,
      is_nsfw: 'no',
      ...(m.status === 'failed' ? { error: m.error ?? 'unknown error' } : {}),
    }));
  }

  async load(tenantId: string, body: Record<string, unknown>) {
    const parsed = parseLoadModelRequest(body, tenantId);
    if (!parsed.ok) throw new ValidationError(parsed.errors);
    if (!this.store) throw new ModelLoadingUnavailableError();
    try {
      await this.store.startLoad(parsed.value);
    } catch (err) {
      if (err instanceof ModelConflictError) throw new ModelIdTakenError();
      throw err;
    }
    return { status: 'success', message: 'model load started' };
  }

  async delete(tenantId: string, body: Record<string, unknown>) {
    const id = parseModelId(body);
    if (!id.ok) throw new ValidationError(id.errors);
    if (!(await this.deleteOwn(tenantId, id.value))) throw new ModelNotFoundError();
    return { status: 'success', message: 'model deleted' };
  }

  /** Deletes one of the tenant's own models and has every worker drop it; false when it has none of that id. */
  async deleteOwn(tenantId: string, modelId: string): Promise<boolean> {
    const own = (await this.catalog.list(tenantId)).find((m) => m.modelId === modelId && m.tenantId === tenantId);
    if (!own || !this.store || !(await this.store.delete(tenantId, modelId))) return false;
    await this.bus.publishModelEviction({ location: own.location, deleted: true });
    return true;
  }

  async status(tenantId: string, body: Record<string, unknown>) {
    const id = parseModelId(body);
    if (!id.ok) throw new ValidationError(id.errors);
    const entry = (await this.list(tenantId)).find((m) => m.model_id === id.value);
    if (!entry) throw new ModelNotFoundError();
    return { status: 'success', model: entry };
  }

  /** Every worker drops the model's cached sessions (and its LoRA/embedding variants): the next job re-reads its files. */
  async reloadModel(tenantId: string, body: Record<string, unknown>) {
    const id = parseModelId(body);
    if (!id.ok) throw new ValidationError(id.errors);
    const model = await this.catalog.find(tenantId, id.value);
    if (!model) throw new ModelNotFoundError();
    await this.bus.publishModelEviction({ location: model.location, deleted: false });
    return { status: 'success', message: 'model reloaded', model_id: model.modelId };
  }
}
