import { resolve as resolvePath } from 'node:path';
import type { DiffusionResult, DirectDiffusionParams } from '@easel/contracts';
import type { DiffusionEngine, EmbeddingRef, GenerateRequest, GenerateResult, LoraRef, OutputFormat, ProgressEvent } from '@easel/engine-diffusion';
import type { ModelCatalog, ModelCategory, ModelEntry } from '@easel/model-store';
import { controlNetUses, type ControlInput } from '../controlnet/control-input';
import { loadInputImages } from '../inputs/input-image';
import { postProcess, type PostProcessors } from '../postprocess/post-process';
import { PermanentJobError } from '../service-handler';
import { featureMeta } from './feature-meta';
import { outpaint, type OutpaintRunner } from './outpaint';
import { phaseSeconds } from './phase-seconds';

export interface DiffusionGenerationOptions {
  engine: DiffusionEngine;
  catalog: ModelCatalog;
  /** The model a request without model_id runs on. */
  defaultModel: string;
  /** Hosts init_image/mask_image URLs may resolve to despite the SSRF guard. */
  fetchAllowHosts: readonly string[];
  /** `upscale` and the NSFW checker, run on the outputs after generation. */
  postProcessors: PostProcessors;
}

export interface GenerationInput {
  tenantId: string;
  /** null: the default model. */
  modelId: string | null;
  /** A bus job's DiffusionParams, or a direct gRPC call's (engine-defaulted fields may be unset). */
  params: DirectDiffusionParams;
  /** The controlnet service's jobs: ControlNets and their hint. */
  control?: ControlInput;
}

/** A `model_id` resolved for a tenant: what `resolveModel` answers. */
export interface ResolvedModel {
  modelId: string;
  model: ModelEntry;
  location: string;
}

export interface GenerationHooks {
  signal?: AbortSignal;
  onProgress?: (progress: ProgressEvent) => void;
  /** Called after every upscaled tile and checked image, once the denoising steps are over. */
  heartbeat?: () => void;
}

export interface Generation {
  result: DiffusionResult;
  /** The delivered images (upscaled, flagged ones replaced), encoded as `mimeType`. */
  images: Buffer[];
  mimeType: string;
  format: OutputFormat;
  guidanceScale: number;
}

/** A `model_id` / `lora_model` / `embeddings_model` that names nothing this tenant may use. */
export class ModelNotFoundError extends PermanentJobError {
  constructor(
    readonly modelId: string,
    field: string,
  ) {
    super('Model id not found', field, 'model_not_found');
    this.name = 'ModelNotFoundError';
  }
}

/**
 * One generation, however it arrived (a bus job or a direct gRPC call): the models resolved for the
 * tenant, the input images loaded, the engine run, then `upscale` and the NSFW checker.
 */
export class DiffusionGeneration {
  /** Model directories resolved so far → their ids (GetCapacity names the engine's loaded models with it). */
  private readonly modelIds = new Map<string, string>();

  constructor(private readonly options: DiffusionGenerationOptions) {}

  /** The id a model directory was resolved from, if it was. */
  modelIdOf(dir: string): string | undefined {
    return this.modelIds.get(resolvePath(dir));
  }

  /** `model_id` (or the default model) → its entry and local files, for the tenant; throws ModelNotFoundError. */
  async resolveModel(tenantId: string, modelId: string | null): Promise<ResolvedModel> {
    const id = modelId ?? this.options.defaultModel;
    const { model, location } = await this.resolve(tenantId, id, 'stable_diffusion', 'model_id');
    this.modelIds.set(resolvePath(location), id);
    return { modelId: id, model, location };
  }

  /** `resolved`: this input's `resolveModel` answer, when the caller already asked (gRPC does, before taking a slot). */
  async run(input: GenerationInput, hooks: GenerationHooks = {}, resolved?: ResolvedModel): Promise<Generation> {
    if (input.params.kind !== 'outpaint') return this.generate(input, hooks, resolved);
    const model = resolved ?? (await this.resolveModel(input.tenantId, input.modelId));
    const runner: OutpaintRunner = {
      nativeSide: async () => (await this.options.engine.loadModel(model.location)).info.nativeSize,
      inpaint: (params, images) => this.generate({ ...input, params }, hooks, model, images),
    };
    const { result, image } = await outpaint(input.params, runner, this.options.fetchAllowHosts);
    return { result, images: [image], mimeType: 'image/png', format: 'png', guidanceScale: input.params.guidanceScale ?? 7.5 };
  }

  /** One engine run; `images`: the init and mask images already made (outpaint's canvas), else loaded from the params. */
  private async generate(input: GenerationInput, hooks: GenerationHooks, resolved?: ResolvedModel, images?: Pick<GenerateRequest, 'initImage' | 'maskImage'>): Promise<Generation> {
    const { params } = input;
    const { modelId, location } = resolved ?? (await this.resolveModel(input.tenantId, input.modelId));
    const request: GenerateRequest = { ...toEngineRequest(params), ...(images ?? (await this.inputImages(params))), ...(await this.adapters(input.tenantId, params)), ...(await this.control(input)), ...(await this.refiner(input.tenantId, params)) };
    const started = performance.now();
    const generated = await this.options.engine.generate(location, request, { signal: hooks.signal, onProgress: hooks.onProgress });
    const post = await postProcess(
      generated.images,
      generated,
      {
        upscale: params.upscale ?? null,
        safetyChecker: params.safetyChecker ?? true,
        safetyCheckerType: params.safetyCheckerType ?? 'blank',
        format: generated.format,
        initImage: request.initImage,
        heartbeat: hooks.heartbeat,
      },
      this.options.postProcessors,
    );
    const result: DiffusionResult = {
      seeds: generated.seeds,
      width: post.width,
      height: post.height,
      generatedWidth: generated.width,
      generatedHeight: generated.height,
      steps: generated.steps,
      scheduler: generated.scheduler,
      modelId,
      format: generated.format,
      generationTime: (performance.now() - started) / 1000,
      nsfwContentDetected: post.nsfwContentDetected,
      nsfwScores: post.nsfwScores,
      initImageNsfwScore: post.initImageNsfwScore,
      timings: { ...phaseSeconds(generated.timings), ...post.timings },
      ...withAdapters(generated),
    };
    const features = featureMeta(generated);
    if (features) result.featureMeta = features;
    return { result, images: post.images, mimeType: generated.mimeType, format: generated.format, guidanceScale: generated.guidanceScale };
  }

  /** A model id → its local files, when the tenant may use it and it is of the category the field needs. */
  private async resolve(tenantId: string, modelId: string, category: ModelCategory, field: string): Promise<{ model: ModelEntry; location: string }> {
    const { catalog } = this.options;
    const model = await catalog.find(tenantId, modelId);
    if (!model) throw new ModelNotFoundError(modelId, field);
    if (model.category !== category) throw new PermanentJobError(`${modelId} is a ${model.category} model, not a ${category} model.`, field);
    // Distributed mode: an uploaded model's files come from the artifact store into the local cache.
    return { model, location: catalog.materialize ? await catalog.materialize(model) : model.location };
  }

  /** img2img needs its init image, inpaint also the mask; text2img ignores any sent. */
  private async inputImages(p: DirectDiffusionParams): Promise<Pick<GenerateRequest, 'initImage' | 'maskImage'>> {
    if (p.kind === 'text2img') return {};
    if (!p.initImage) throw new PermanentJobError(`The init image field is required for ${p.kind === 'inpaint' ? 'inpainting' : 'img2img'}.`, 'init_image');
    if (p.kind === 'inpaint' && !p.maskImage) throw new PermanentJobError('The mask image field is required for inpainting.', 'mask_image');
    return loadInputImages({ initImage: p.initImage, maskImage: p.kind === 'inpaint' ? p.maskImage : null }, this.options.fetchAllowHosts);
  }

  /** The controlnet service's ControlNets (each resolved for the tenant) and their hints. */
  private async control({ tenantId, params, control }: GenerationInput): Promise<Pick<GenerateRequest, 'controlNets' | 'guessMode'>> {
    if (!control) return {};
    const resolve = async (id: string) => (await this.resolve(tenantId, id, 'controlnet', 'controlnet_model')).location;
    const controlNets = await controlNetUses(control, params.initImage ?? null, resolve, this.options.fetchAllowHosts);
    return { controlNets, guessMode: control.guessMode };
  }

  /** `refiner: yes`: the refiner model the gateway paired with the base, resolved for the tenant like `model_id`. */
  private async refiner(tenantId: string, p: DirectDiffusionParams): Promise<Pick<GenerateRequest, 'refiner'>> {
    if (!p.refinerModel) return {};
    return { refiner: { model: (await this.resolve(tenantId, p.refinerModel, 'stable_diffusion', 'refiner')).location } };
  }

  /** `lora_model` / `embeddings_model` ids → their files, resolved for the tenant like `model_id`. */
  private async adapters(tenantId: string, p: DirectDiffusionParams): Promise<Pick<GenerateRequest, 'loras' | 'embeddings'>> {
    const loras: LoraRef[] = [];
    for (const [i, id] of (p.loraModel ?? []).entries()) loras.push({ name: id, path: (await this.resolve(tenantId, id, 'lora', 'lora_model')).location, strength: p.loraStrength?.[i] ?? 1 });
    const embeddings: EmbeddingRef[] = [];
    for (const id of p.embeddingsModel ?? []) embeddings.push({ name: id, path: (await this.resolve(tenantId, id, 'embeddings', 'embeddings_model')).location });
    return { ...(loras.length ? { loras } : {}), ...(embeddings.length ? { embeddings } : {}) };
  }
}

function toEngineRequest(p: DirectDiffusionParams): GenerateRequest {
  return {
    prompt: p.prompt,
    negativePrompt: p.negativePrompt,
    width: p.width ?? undefined,
    height: p.height ?? undefined,
    samples: p.samples,
    steps: p.steps,
    guidanceScale: p.guidanceScale,
    seed: p.seed,
    scheduler: p.scheduler ?? undefined,
    useKarrasSigmas: p.useKarrasSigmas,
    algorithmType: p.algorithmType ?? undefined,
    clipSkip: p.clipSkip,
    strength: p.strength ?? undefined,
    outputFormat: p.outputFormat,
    highresFix: p.highresFix,
    highresFixStrength: p.highresFixStrength ?? undefined,
    panorama: p.panorama,
    selfAttention: p.selfAttention,
    multiLingual: p.multiLingual,
    enhancePrompt: p.enhancePrompt,
  };
}

const withAdapters = (g: GenerateResult) => (g.adapters ? { adapters: g.adapters } : {});
