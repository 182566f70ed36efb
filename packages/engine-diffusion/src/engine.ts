import { resolve } from 'node:path';
import { loadDiffusionModel, type DiffusionModel } from './model/load-model';
import type { ModelInfo } from './model/model-info';
import { ByteBudgetLru } from './model/session-cache';
import type { SessionOptions } from './model/session';
import { generate } from './pipeline/generate';
import type { ImageUpscaler } from './pipeline/upscaler';
import { lanczosUpscaler } from './pipeline/upscaler';
import { DEFAULT_LIMITS, type GenerateOptions, type GenerateRequest, type GenerateResult, type PipelineLimits } from './pipeline/types';

export interface DiffusionEngineOptions extends SessionOptions {
  /** Memory budget for loaded models, estimated from .onnx file sizes (default 8 GiB; env EASEL_MODEL_CACHE_BYTES). */
  cacheBudgetBytes?: number;
  limits?: Partial<PipelineLimits>;
  /** The highres fix's upscaler (default: sharp's Lanczos-3); e.g. an ESRGAN one from packages/engine-upscale. */
  upscaler?: ImageUpscaler;
  // allowSpinning defaults to false here: on a shared 2-core box ORT's busy-waiting threads
  // slowed a 20-step easel-tiny run from ~400 ms to ~650-730 ms (bench/pipeline, --spin 1 vs 0).
}

/** A loaded model as callers see it; `generate` runs on it (re-loading it if the cache evicted it). */
export interface LoadedModel {
  dir: string;
  info: ModelInfo;
  generate(request: GenerateRequest, options?: GenerateOptions): Promise<GenerateResult>;
}

/**
 * The diffusion engine: loads model directories (cached in an LRU bounded by a memory
 * budget) and runs generations on them.
 *
 *     const engine = new DiffusionEngine();
 *     const model = await engine.loadModel('models/easel-tiny');
 *     const r = await model.generate({ prompt: 'a red circle', seed: 1 }, { onProgress, signal });
 *     // or: engine.generate('models/easel-tiny', request, options)
 */
export class DiffusionEngine {
  readonly limits: PipelineLimits;
  private readonly cache: ByteBudgetLru<DiffusionModel>;
  private readonly sessionOptions: SessionOptions;
  private readonly upscaler: ImageUpscaler;

  constructor(options: DiffusionEngineOptions = {}) {
    const envBudget = Number(process.env.EASEL_MODEL_CACHE_BYTES);
    const budget = options.cacheBudgetBytes ?? (Number.isFinite(envBudget) && envBudget > 0 ? envBudget : 8 * 1024 ** 3);
    this.cache = new ByteBudgetLru(budget, (m) => m.release());
    this.limits = { ...DEFAULT_LIMITS, ...options.limits };
    this.upscaler = options.upscaler ?? lanczosUpscaler;
    this.sessionOptions = { device: options.device, intraOpNumThreads: options.intraOpNumThreads, interOpNumThreads: options.interOpNumThreads, allowSpinning: options.allowSpinning ?? false };
  }

  private load(dir: string) {
    return async () => {
      const model = await loadDiffusionModel(dir, this.sessionOptions);
      return { value: model, bytes: model.info.bytes };
    };
  }

  /** Load (or find in the cache) a model directory; throws ModelFileError / GraphMismatchError. */
  async loadModel(dir: string): Promise<LoadedModel> {
    const key = resolve(dir);
    const model = await this.cache.get(key, this.load(key));
    return { dir: key, info: model.info, generate: (request, options) => this.generate(key, request, options) };
  }

  /** Run one generation on the model in `dir` (loaded on demand). */
  async generate(dir: string, request: GenerateRequest, options: GenerateOptions = {}): Promise<GenerateResult> {
    const key = resolve(dir);
    const { value: model, release } = await this.cache.acquire(key, this.load(key));
    try {
      return await generate(model, request, options, this.limits, this.upscaler);
    } finally {
      await release();
    }
  }

  loadedModels(): string[] {
    return this.cache.keys();
  }

  async unloadModel(dir: string): Promise<boolean> {
    return this.cache.delete(resolve(dir));
  }

  async dispose(): Promise<void> {
    await this.cache.clear();
  }
}
