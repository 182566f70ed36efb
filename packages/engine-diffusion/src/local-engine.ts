import { resolve } from 'node:path';
import { hasAdapters, type AdapterSpec } from './adapters/adapt-model';
import { loadControlNet, type ControlNetModel } from './controlnet/controlnet-model';
import { InvalidRequestError, UnsupportedFeatureError } from './errors';
import { isFluxModel, loadFluxModel, type FluxModel } from './flux/flux-model';
import { runFlux } from './flux/flux-pipeline';
import { readModelFamily } from './model/model-family';
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
  /** Where warnings go (LoRA keys that matched no weight); default console.warn. */
  warn?: (message: string) => void;
  // allowSpinning: ORT's threads spin inside a run and are parked when it ends (force_spinning_stop),
  // so the JS between UNet calls and an idle worker keep their cores: a 20-step easel-tiny image
  // 219 → 173 ms (bench/pipeline --spin 0 / 1). Spinning that went on after a run (ORT's default)
  // used to slow the same run to 650-730 ms, which is why it was off before.
}

/** What the cache holds: a UNet model (SD 1.x/2.x, SDXL) or a FLUX transformer model. */
type AnyModel = DiffusionModel | FluxModel;

/** A loaded model as callers see it; `generate` runs on it (re-loading it if the cache evicted it). */
export interface LoadedModel {
  dir: string;
  info: ModelInfo;
  generate(request: GenerateRequest, options?: GenerateOptions): Promise<GenerateResult>;
}

/**
 * The diffusion engine on the calling thread: loads model directories (cached in an LRU bounded by
 * a memory budget) and runs generations on them. `DiffusionEngine` runs it on an engine thread.
 */
export class LocalDiffusionEngine {
  readonly limits: PipelineLimits;
  private readonly cache: ByteBudgetLru<AnyModel>;
  /** ControlNet graphs by absolute path, under the same budget as the models (their own LRU). */
  private readonly controlNets: ByteBudgetLru<ControlNetModel>;
  private readonly sessionOptions: SessionOptions;
  private readonly upscaler: ImageUpscaler;
  private readonly warn: (message: string) => void;

  constructor(options: DiffusionEngineOptions = {}) {
    const envBudget = Number(process.env.EASEL_MODEL_CACHE_BYTES);
    const budget = options.cacheBudgetBytes ?? (Number.isFinite(envBudget) && envBudget > 0 ? envBudget : 8 * 1024 ** 3);
    this.cache = new ByteBudgetLru(budget, (m) => m.release());
    this.controlNets = new ByteBudgetLru(budget, (c) => c.release());
    this.limits = { ...DEFAULT_LIMITS, ...options.limits };
    this.upscaler = options.upscaler ?? lanczosUpscaler;
    this.warn = options.warn ?? ((m) => console.warn(m));
    this.sessionOptions = { device: options.device, intraOpNumThreads: options.intraOpNumThreads, interOpNumThreads: options.interOpNumThreads, allowSpinning: options.allowSpinning, splitUnetRows: options.splitUnetRows, fuseAttention: options.fuseAttention };
  }

  private load(dir: string, adapters?: AdapterSpec) {
    return async () => {
      const family = await readModelFamily(dir);
      if (family === 'sd3') throw new UnsupportedFeatureError('model_id', 'Stable Diffusion 3 models are recognised but not supported by this engine yet (FLUX.1 is the flow-matching family it runs).');
      if (family === 'flux') {
        if (adapters) throw new UnsupportedFeatureError(adapters.loras?.length ? 'lora_model' : 'embeddings_model', 'LoRAs and embeddings are unsupported for FLUX models.');
        const flux = await loadFluxModel(dir, this.sessionOptions);
        return { value: flux as AnyModel, bytes: flux.info.bytes };
      }
      const model = await loadDiffusionModel(dir, this.sessionOptions, adapters);
      if (model.unetPreparation.error) this.warn(`${dir}: the UNet runs as exported, its attention not fused: ${model.unetPreparation.error}`);
      for (const l of model.adapters?.loras ?? []) {
        if (l.unmapped.length > 0) this.warn(`LoRA ${l.name} on ${dir}: ${l.applied} modules merged, ${l.unmapped.length} keys not: ${l.unmapped.slice(0, 5).join('; ')}${l.unmapped.length > 5 ? '; …' : ''}`);
      }
      return { value: model as AnyModel, bytes: model.info.bytes };
    };
  }

  /**
   * One cache entry per (model, LoRAs with strengths, embeddings): the model's absolute path, or
   * for a variant with adapters a JSON key that also names every file it was built from.
   */
  private keyOf(dir: string, adapters: AdapterSpec | undefined): string {
    const base = resolve(dir);
    if (!hasAdapters(adapters)) return base;
    for (const l of adapters.loras ?? []) {
      if (!Number.isFinite(l.strength)) throw new InvalidRequestError('invalid_lora_strength', 'lora_strength', `The strength of LoRA ${l.name} must be a number.`);
    }
    const variant: VariantKey = { m: base, l: (adapters.loras ?? []).map((l) => [resolve(l.path), l.strength]), e: (adapters.embeddings ?? []).map((e) => [resolve(e.path), e.token ?? e.name]) };
    return JSON.stringify(variant);
  }

  /** Load (or find in the cache) a model directory; throws ModelFileError / GraphMismatchError. */
  async loadModel(dir: string): Promise<LoadedModel> {
    const key = resolve(dir);
    const model = await this.cache.get(key, this.load(key));
    return { dir: key, info: model.info, generate: (request, options) => this.generate(key, request, options) };
  }

  /** Run one generation on the model in `dir` (loaded on demand). */
  async generate(dir: string, request: GenerateRequest, options: GenerateOptions = {}): Promise<GenerateResult> {
    const adapters: AdapterSpec = { loras: request.loras, embeddings: request.embeddings };
    const key = this.keyOf(dir, adapters);
    const { value: model, release } = await this.cache.acquire(key, this.load(resolve(dir), hasAdapters(adapters) ? adapters : undefined));
    const held: Array<{ value: ControlNetModel; release: () => Promise<void> }> = [];
    let refiner: { value: AnyModel; release: () => Promise<void> } | undefined;
    try {
      for (const use of request.controlNets ?? []) {
        const path = resolve(use.path);
        held.push(await this.controlNets.acquire(path, async () => {
          const value = await loadControlNet(path, this.sessionOptions);
          if (value.preparation.error) this.warn(`${path}: the ControlNet runs as exported, its attention not fused: ${value.preparation.error}`);
          return { value, bytes: value.bytes };
        }));
      }
      const controls = held.map((h) => h.value);
      if (isFluxModel(model)) return await runFlux(model, request, options, this.limits);
      refiner = request.refiner ? await this.acquireRefiner(request.refiner.model, request.embeddings) : undefined;
      if (refiner && isFluxModel(refiner.value)) throw new UnsupportedFeatureError('refiner', 'The refiner must be an SDXL refiner model.');
      const result = await generate(model, request, options, this.limits, this.upscaler, controls, refiner?.value as DiffusionModel | undefined);
      return model.adapters ? { ...result, adapters: model.adapters } : result;
    } finally {
      for (const h of held) await h.release();
      await refiner?.release();
      await release();
    }
  }

  /**
   * The refiner conditions on the same prompt, so it learns the request's embedding tokens too (its
   * `text_encoder_2` takes their `clip_g` vectors); LoRAs are trained for the base and stay there.
   */
  private acquireRefiner(dir: string, embeddings: AdapterSpec['embeddings']) {
    const adapters: AdapterSpec = { embeddings };
    return this.cache.acquire(this.keyOf(dir, adapters), this.load(resolve(dir), hasAdapters(adapters) ? adapters : undefined));
  }

  /** The model directories with at least one cached session (plain or with adapters). */
  loadedModels(): string[] {
    return [...new Set(this.cache.keys().map((key) => sourcesOf(key)[0]!))];
  }

  /** Every cached session's key: a model's path, or JSON naming the model and adapter files of a variant. */
  cacheKeys(): string[] {
    return this.cache.keys();
  }

  /**
   * Drop every cached session built from `path` — a model directory (with all its LoRA/embedding
   * variants) or an adapter file — so the next use re-reads the files. True when any was cached.
   */
  async unloadModel(path: string): Promise<boolean> {
    const target = resolve(path);
    let any = false;
    for (const key of this.cache.keys()) {
      if (sourcesOf(key).includes(target)) any = (await this.cache.delete(key)) || any;
    }
    if (this.controlNets.has(target)) any = (await this.controlNets.delete(target)) || any;
    return any;
  }

  async dispose(): Promise<void> {
    await this.controlNets.clear();
    await this.cache.clear();
  }
}

/** A cache key of a model with adapters: the model dir, [LoRA file, strength] and [embedding file, token] pairs. */
interface VariantKey {
  m: string;
  l: [string, number][];
  e: [string, string][];
}

/** The files a cache entry was built from (model dir, adapter files), read back from its key. */
export function sourcesOf(key: string): string[] {
  // Plain model keys are absolute paths; only variant keys are JSON objects.
  if (!key.startsWith('{')) return [key];
  const variant = JSON.parse(key) as VariantKey;
  return [variant.m, ...variant.l.map(([path]) => path), ...variant.e.map(([path]) => path)];
}
