import { resolve as resolvePath } from 'node:path';
import { VIDEO_CATEGORY, VIDEO_LIMITS, type VideoParams, type VideoResult } from '@easel/contracts';
import { DiffusionError, type SessionOptions } from '@easel/engine-diffusion';
import { baseModelOf, encodeVideo, generateVideo, loadVideoModel, type VideoModel, type VideoProgress } from '@easel/engine-video';
import type { ModelCatalog } from '@easel/model-store';
import { ModelNotFoundError } from '../diffusion/diffusion-generation';
import { loadInputImage } from '../inputs/input-image';
import { LoadedModels } from '../loaded-models';
import { PermanentJobError } from '../service-handler';

export interface VideoGenerationOptions {
  catalog: ModelCatalog;
  defaultModel: string;
  fetchAllowHosts: readonly string[];
  session?: SessionOptions;
  /** Motion models kept loaded (default 1; the least recently used is released first). */
  cachedModels?: number;
}

export interface GeneratedVideo {
  result: VideoResult;
  video: Buffer;
  mimeType: string;
}

/**
 * One clip, however it arrived (a bus job or a direct gRPC call): the tenant's video model and
 * the image model it names resolved, the init image fetched, the frames generated and encoded.
 */
export class VideoGeneration {
  private readonly models: LoadedModels<VideoModel>;
  /** A motion model's folder → its base image model's, as resolved for it. */
  private readonly bases = new Map<string, string>();

  constructor(private readonly options: VideoGenerationOptions) {
    this.models = new LoadedModels(
      (location) => loadVideoModel(location, this.bases.get(location)!, options.session ?? {}),
      (model) => model.release(),
      options.cachedModels ?? 1,
    );
  }

  loadedModels(): string[] {
    return this.models.modelIds();
  }

  /** The model's local folder and its base image model's, both of which this tenant may use. */
  async resolveModel(tenantId: string, modelId: string | null): Promise<{ modelId: string; location: string; baseLocation: string }> {
    const { catalog } = this.options;
    const id = modelId ?? this.options.defaultModel;
    const model = await catalog.find(tenantId, id);
    if (!model) throw new ModelNotFoundError(id, 'model_id');
    if (model.category !== VIDEO_CATEGORY) throw new PermanentJobError(`${id} is a ${model.category} model, not a video model.`, 'model_id');
    const location = resolvePath(catalog.materialize ? await catalog.materialize(model) : model.location);
    const baseId = await baseModelOf(location);
    const base = await catalog.find(tenantId, baseId);
    if (!base || base.category !== 'stable_diffusion') throw new PermanentJobError(`The video model ${id} extends ${baseId}, which is not available.`, 'model_id');
    const baseLocation = resolvePath(catalog.materialize ? await catalog.materialize(base) : base.location);
    this.models.name(location, id);
    this.bases.set(location, baseLocation);
    return { modelId: id, location, baseLocation };
  }

  async run(tenantId: string, p: VideoParams, options: { signal?: AbortSignal; onProgress?: (event: VideoProgress) => void } = {}): Promise<GeneratedVideo> {
    const started = performance.now();
    const { modelId, location } = await this.resolveModel(tenantId, p.modelId);
    const initImage = p.kind === 'img2video' ? await loadInputImage('init_image', p.initImage ?? '', this.options.fetchAllowHosts) : undefined;
    const model = await this.models.get(location);
    let clip;
    try {
      clip = await generateVideo(
        model,
        {
          prompt: p.prompt,
          negativePrompt: p.negativePrompt,
          numFrames: p.numFrames,
          width: p.width,
          height: p.height,
          steps: p.steps,
          guidanceScale: p.guidanceScale,
          minGuidanceScale: p.minGuidanceScale,
          maxGuidanceScale: p.maxGuidanceScale,
          seed: p.seed,
          clipSkip: p.clipSkip,
          ...(initImage
            ? { initImage, motionSpan: Math.min(1, p.motionBucketId / VIDEO_LIMITS.motionBucketId.default), noiseAugStrength: p.noiseAugStrength }
            : {}),
        },
        { ...(options.signal ? { signal: options.signal } : {}), ...(options.onProgress ? { onProgress: options.onProgress } : {}) },
      );
    } catch (error) {
      if (error instanceof DiffusionError && error.field) throw new PermanentJobError(error.message, error.field);
      throw error;
    }
    const encoded = encodeVideo(clip.frames, clip.width, clip.height, p.fps, p.outputType);
    const ended = performance.now();
    const t = clip.timings;
    const result: VideoResult = {
      modelId,
      numFrames: clip.frames.length,
      fps: p.fps,
      width: clip.width,
      height: clip.height,
      seed: clip.seed,
      outputType: p.outputType,
      generationTime: (ended - started) / 1000,
      timings: {
        total: round(ended - started),
        text_encoder: round(t.textEncoderMs),
        vae_encode: round(t.vaeEncodeMs),
        denoise: round(t.stepMs.reduce((a, b) => a + b, 0)),
        vae_decode: round(t.vaeDecodeMs),
        encode: round(encoded.encodeMs),
      },
    };
    return { result, video: encoded.data, mimeType: encoded.mimeType };
  }

  close(): Promise<void> {
    return this.models.close();
  }
}

const round = (ms: number): number => Math.round(ms) / 1000;
