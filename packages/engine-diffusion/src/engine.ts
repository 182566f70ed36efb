import { extname, join } from 'node:path';
import { asBuffer, EngineThread } from '@easel/engine-thread';
import type { GenerateCall, ThreadOptions } from './diffusion-thread';
import * as errors from './errors';
import {
  LocalDiffusionEngine,
  sourcesOf,
  type DiffusionEngineOptions,
  type LoadedModel,
} from './local-engine';
import type { ModelInfo } from './model/model-info';
import {
  DEFAULT_LIMITS,
  type GenerateOptions,
  type GenerateRequest,
  type GenerateResult,
  type PipelineLimits,
} from './pipeline/types';

export type { DiffusionEngineOptions, LoadedModel } from './local-engine';

/** The errors the engine throws on purpose, rebuilt on this side so `describeError` and `instanceof` hold. */
const ERROR_TYPES = [
  errors.DiffusionError,
  errors.InvalidRequestError,
  errors.ModelFileError,
  errors.AdapterFileError,
  errors.GraphMismatchError,
  errors.UnsupportedFeatureError,
  errors.CancelledError,
  errors.UnknownSchedulerError,
];

/**
 * The diffusion engine: loads model directories (cached in an LRU bounded by a memory budget) and
 * runs generations on them, on an engine thread of its own — ONNX Runtime's calls are async, but
 * session creation, tensor ↔ image conversions and scheduler math are not, and at 1024×768 they
 * stalled the caller's event loop for seconds. Same pixels as LocalDiffusionEngine, which it runs.
 * With a custom `upscaler` (a function, which cannot cross threads) it runs on the calling thread.
 *
 *     const engine = new DiffusionEngine();
 *     const model = await engine.loadModel('models/easel-tiny');
 *     const r = await model.generate({ prompt: 'a red circle', seed: 1 }, { onProgress, signal });
 *     // or: engine.generate('models/easel-tiny', request, options)
 */
export class DiffusionEngine {
  readonly limits: PipelineLimits;
  private readonly local: LocalDiffusionEngine | null = null;
  private readonly thread: EngineThread | null = null;
  /** The thread's cache keys as of its last answer (the cache changes only while it answers a call). */
  private keys: string[] = [];

  constructor(options: DiffusionEngineOptions = {}) {
    this.limits = { ...DEFAULT_LIMITS, ...options.limits };
    if (options.upscaler) {
      this.local = new LocalDiffusionEngine(options);
      return;
    }
    const { warn, upscaler: _, ...init } = options;
    this.thread = new EngineThread({
      module: join(__dirname, `diffusion-thread${extname(__filename)}`),
      init: init satisfies ThreadOptions,
      errors: ERROR_TYPES,
      log: warn ?? ((m) => console.warn(m)),
    });
  }

  /** Load (or find in the cache) a model directory; throws ModelFileError / GraphMismatchError. */
  async loadModel(dir: string): Promise<LoadedModel> {
    if (this.local) return this.local.loadModel(dir);
    const loaded = await this.thread!.call<{ dir: string; info: ModelInfo; keys: string[] }>(
      'loadModel',
      dir,
    );
    this.keys = loaded.keys;
    return {
      dir: loaded.dir,
      info: loaded.info,
      generate: (request, options) => this.generate(loaded.dir, request, options),
    };
  }

  /** Run one generation on the model in `dir` (loaded on demand). */
  async generate(
    dir: string,
    request: GenerateRequest,
    options: GenerateOptions = {},
  ): Promise<GenerateResult> {
    if (this.local) return this.local.generate(dir, request, options);
    const call: GenerateCall = { dir, request };
    const { result, keys } = await this.thread!.call<{ result: GenerateResult; keys: string[] }>(
      'generate',
      call,
      options,
    );
    this.keys = keys;
    return { ...result, images: result.images.map(asBuffer) };
  }

  /** The model directories with at least one cached session (plain or with adapters). */
  loadedModels(): string[] {
    return [...new Set(this.cacheKeys().map((key) => sourcesOf(key)[0]!))];
  }

  /** Every cached session's key: a model's path, or JSON naming the model and adapter files of a variant. */
  cacheKeys(): string[] {
    return this.local ? this.local.cacheKeys() : [...this.keys];
  }

  /**
   * Drop every cached session built from `path` — a model directory (with all its LoRA/embedding
   * variants) or an adapter file — so the next use re-reads the files. True when any was cached.
   */
  async unloadModel(path: string): Promise<boolean> {
    if (this.local) return this.local.unloadModel(path);
    const { unloaded, keys } = await this.thread!.call<{ unloaded: boolean; keys: string[] }>(
      'unloadModel',
      path,
    );
    this.keys = keys;
    return unloaded;
  }

  /** Frees every model (and ends the engine thread). */
  async dispose(): Promise<void> {
    if (this.local) return this.local.dispose();
    this.keys = [];
    await this.thread!.close();
  }
}
