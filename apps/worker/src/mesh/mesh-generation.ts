import { resolve as resolvePath } from 'node:path';
import { MESH_CATEGORY, type MeshParams, type MeshResult } from '@easel/contracts';
import { DiffusionError, type SessionOptions } from '@easel/engine-diffusion';
import { generateMesh, loadMeshModel, type MeshModel, type MeshProgress } from '@easel/engine-mesh';
import type { ModelCatalog } from '@easel/model-store';
import { ModelNotFoundError } from '../diffusion/diffusion-generation';
import { loadInputImage } from '../inputs/input-image';
import { LoadedModels } from '../loaded-models';
import { PermanentJobError } from '../service-handler';

export interface MeshGenerationOptions {
  catalog: ModelCatalog;
  defaultModel: string;
  fetchAllowHosts: readonly string[];
  session?: SessionOptions;
  /** 3D models kept loaded (default 1; the least recently used is released first). */
  cachedModels?: number;
}

export interface GeneratedMesh {
  result: MeshResult;
  files: { body: Buffer; contentType: string; extension: string }[];
}

/**
 * One mesh, however it arrived (a bus job or a direct gRPC call): the tenant's 3D model resolved,
 * the picture fetched (image_to_3d), the mesh generated and written; its files are the mesh, the
 * preview PNG and, when asked, the turntable GIF, in that order.
 */
export class MeshGeneration {
  private readonly models: LoadedModels<MeshModel>;

  constructor(private readonly options: MeshGenerationOptions) {
    this.models = new LoadedModels((location) => loadMeshModel(location, options.session ?? {}), (model) => model.release(), options.cachedModels ?? 1);
  }

  loadedModels(): string[] {
    return this.models.modelIds();
  }

  async resolveModel(tenantId: string, modelId: string | null): Promise<{ modelId: string; location: string }> {
    const { catalog } = this.options;
    const id = modelId ?? this.options.defaultModel;
    const model = await catalog.find(tenantId, id);
    if (!model) throw new ModelNotFoundError(id, 'model_id');
    if (model.category !== MESH_CATEGORY) throw new PermanentJobError(`${id} is a ${model.category} model, not a 3D model.`, 'model_id');
    const location = resolvePath(catalog.materialize ? await catalog.materialize(model) : model.location);
    this.models.name(location, id);
    return { modelId: id, location };
  }

  async run(tenantId: string, p: MeshParams, options: { signal?: AbortSignal; onProgress?: (event: MeshProgress) => void } = {}): Promise<GeneratedMesh> {
    const started = performance.now();
    const { modelId, location } = await this.resolveModel(tenantId, p.modelId);
    const image = p.kind === 'image_to_3d' ? await loadInputImage('image', p.image ?? '', this.options.fetchAllowHosts) : undefined;
    const model = await this.models.get(location);
    let out;
    try {
      out = await generateMesh(
        model,
        {
          prompt: p.prompt,
          negativePrompt: p.negativePrompt,
          image,
          seed: p.seed,
          steps: p.steps,
          guidanceScale: p.guidanceScale,
          resolution: p.resolution,
          outputFormat: p.outputFormat,
          meshSimplify: p.meshSimplify,
          removeBackground: p.removeBg,
          foregroundRatio: p.foregroundRatio,
          turntable: p.render,
        },
        { ...(options.signal ? { signal: options.signal } : {}), ...(options.onProgress ? { onProgress: options.onProgress } : {}) },
      );
    } catch (error) {
      if (error instanceof DiffusionError && error.field) throw new PermanentJobError(error.message, error.field);
      if (error instanceof DiffusionError && error.code === 'empty_mesh') throw new PermanentJobError(error.message);
      throw error;
    }
    const ended = performance.now();
    const t = out.timings;
    const result: MeshResult = {
      modelId,
      seed: out.seed,
      outputFormat: p.outputFormat,
      vertices: out.vertices,
      triangles: out.triangles,
      generationTime: (ended - started) / 1000,
      timings: {
        total: round(ended - started),
        condition: round(t.conditionMs),
        prior: round(t.priorMs),
        surface: round(t.surfaceMs),
        simplify: round(t.simplifyMs),
        files: round(t.filesMs),
      },
    };
    const files = [
      { body: Buffer.from(out.file.bytes), contentType: out.file.mimeType, extension: out.file.format },
      { body: out.preview, contentType: 'image/png', extension: 'png' },
      ...(out.turntable ? [{ body: out.turntable, contentType: 'image/gif', extension: 'gif' }] : []),
    ];
    return { result, files };
  }

  close(): Promise<void> {
    return this.models.close();
  }
}

const round = (ms: number): number => Math.round(ms) / 1000;
