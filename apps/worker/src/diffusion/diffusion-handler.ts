import { DIFFUSION_SERVICE, OUTPUT_EXTENSIONS, type DiffusionParams, type DiffusionResult, type JobPayload } from '@easel/contracts';
import { DiffusionEngine, describeError, type EmbeddingRef, type GenerateRequest, type LoraRef } from '@easel/engine-diffusion';
import type { ModelCatalog } from '@easel/model-store';
import { loadInputImages } from '../inputs/input-image';
import { featureMeta } from './feature-meta';
import { postProcess, type PostProcessors } from '../postprocess/post-process';
import { phaseSeconds } from './phase-seconds';
import { PermanentJobError, type JobContext, type JobOutput, type ServiceHandler } from '../service-handler';

export interface DiffusionHandlerOptions {
  engine: DiffusionEngine;
  catalog: ModelCatalog;
  defaultModel: string;
  fetchAllowHosts: readonly string[];
  /** `upscale` and the NSFW checker, run on the outputs after generation. */
  postProcessors: PostProcessors;
}


/** text2img / img2img / inpaint on the diffusion engine. */
export class DiffusionHandler implements ServiceHandler {
  readonly service = DIFFUSION_SERVICE;

  constructor(private readonly options: DiffusionHandlerOptions) {}

  async run(payload: JobPayload, context: JobContext): Promise<JobOutput> {
    const params = payload.params as unknown as DiffusionParams;
    const modelId = payload.modelId ?? this.options.defaultModel;
    const model = await this.options.catalog.find(payload.tenantId, modelId);
    if (!model) throw new PermanentJobError('Model id not found', 'model_id');
    const request = { ...(await this.toEngineRequest(params)), ...(await this.adapters(payload.tenantId, params)) };
    try {
      const started = performance.now();
      const location = this.options.catalog.materialize ? await this.options.catalog.materialize(model) : model.location;
      const generated = await this.options.engine.generate(location, request, {
        signal: context.signal,
        onProgress: ({ step, total }) => context.progress(step, total),
      });
      const post = await postProcess(generated.images, generated, {
        upscale: params.upscale ?? null,
        safetyChecker: params.safetyChecker ?? true,
        safetyCheckerType: params.safetyCheckerType ?? 'blank',
        format: generated.format,
        initImage: request.initImage,
        heartbeat: () => context.progress(generated.steps, generated.steps),
      }, this.options.postProcessors);
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
        ...(generated.adapters ? { adapters: generated.adapters } : {}),
      };
      const features = featureMeta(generated);
      if (features) result.featureMeta = features;
      return {
        result: result as unknown as Record<string, unknown>,
        files: post.images.map((body) => ({ body, contentType: generated.mimeType, extension: OUTPUT_EXTENSIONS[generated.format] })),
      };
    } catch (error) {
      // Request and model problems fail the job at once; anything else may pass on another try.
      const info = describeError(error);
      if (info.code !== 'internal' && info.code !== 'inference_failed' && info.code !== 'cancelled') throw new PermanentJobError(info.message, info.field);
      throw error;
    }
  }

  /** `lora_model` / `embeddings_model` ids → their files, resolved for the job's tenant like `model_id`. */
  private async adapters(tenantId: string, p: DiffusionParams): Promise<{ loras?: LoraRef[]; embeddings?: EmbeddingRef[] }> {
    const resolve = async (id: string, category: 'lora' | 'embeddings', field: string) => {
      const m = await this.options.catalog.find(tenantId, id);
      if (!m || m.category !== category) throw new PermanentJobError('Model id not found', field);
      return this.options.catalog.materialize ? this.options.catalog.materialize(m) : m.location;
    };
    const loras: LoraRef[] = [];
    for (const [i, id] of (p.loraModel ?? []).entries()) loras.push({ name: id, path: await resolve(id, 'lora', 'lora_model'), strength: p.loraStrength?.[i] ?? 1 });
    const embeddings: EmbeddingRef[] = [];
    for (const id of p.embeddingsModel ?? []) embeddings.push({ name: id, path: await resolve(id, 'embeddings', 'embeddings_model') });
    return { ...(loras.length ? { loras } : {}), ...(embeddings.length ? { embeddings } : {}) };
  }

  private async toEngineRequest(p: DiffusionParams): Promise<GenerateRequest> {
    const { initImage, maskImage } = await loadInputImages(p, this.options.fetchAllowHosts);
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
      initImage,
      maskImage,
      outputFormat: p.outputFormat,
      highresFix: p.highresFix,
      highresFixStrength: p.highresFixStrength ?? undefined,
      panorama: p.panorama,
      selfAttention: p.selfAttention,
      multiLingual: p.multiLingual,
      enhancePrompt: p.enhancePrompt,
    };
  }

  async close(): Promise<void> {
    await this.options.engine.dispose();
  }
}
