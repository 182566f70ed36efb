import type { EaselConfig } from '@easel/config';
import type { JobsRepository } from '@easel/db';
import { DiffusionEngine } from '@easel/engine-diffusion';
import { FaceRestorer } from '@easel/engine-face';
import { Matting } from '@easel/engine-matting';
import { SafetyChecker } from '@easel/engine-safety';
import { Upscaler } from '@easel/engine-upscale';
import type { ModelCatalog } from '@easel/model-store';
import type { ArtifactStore } from '@easel/storage';
import { ChatCompletions } from './chat/chat-completions';
import { DiffusionGeneration } from './diffusion/diffusion-generation';
import { FaceEnhancer } from './face/face-enhancer';
import type { GenerationSlots } from './generation-slots';
import type { PostProcessors } from './postprocess/post-process';
import { VideoGeneration } from './video/video-generation';
import { MeshGeneration } from './mesh/mesh-generation';
import { VoiceGeneration } from './voice/voice-generation';

/**
 * What the services of one worker share, each made on first use: one diffusion engine (one model
 * cache for bus jobs and gRPC calls), one upscaler and NSFW checker (generation's post-processing and
 * super_resolution), one DiffusionGeneration, and the worker's slots.
 */
export class WorkerResources {
  private engineInstance?: DiffusionEngine;
  private toolsInstance?: PostProcessors;
  private generationInstance?: DiffusionGeneration;
  private mattingInstance?: Matting;
  private faceRestorerInstance?: FaceRestorer;
  private chatInstance?: ChatCompletions;
  private videoInstance?: VideoGeneration;
  private meshInstance?: MeshGeneration;
  private voiceInstance?: VoiceGeneration;

  constructor(
    readonly config: EaselConfig,
    readonly catalog: ModelCatalog,
    readonly slots: GenerationSlots,
    readonly log?: (message: string) => void,
    /** The artifact store and the job rows, for services that keep state between deliveries (training). */
    readonly runtime?: { store: ArtifactStore; jobs: JobsRepository },
  ) {}

  get engine(): DiffusionEngine {
    return (this.engineInstance ??= new DiffusionEngine({
      device: this.config.EASEL_ORT_PROVIDER,
      intraOpNumThreads: this.config.EASEL_ORT_THREADS || undefined,
      cacheBudgetBytes: this.config.EASEL_MODEL_CACHE_BYTES,
      // LoRA keys that matched no weight are reported in the job's meta and here.
      ...(this.log ? { warn: this.log } : {}),
    }));
  }

  get postProcessors(): PostProcessors {
    return (this.toolsInstance ??= {
      upscaler: new Upscaler(),
      safety: new SafetyChecker(this.config.EASEL_NSFW_THRESHOLD),
    });
  }

  /** Background removal (image_editing), on its own engine thread. */
  get matting(): Matting {
    return (this.mattingInstance ??= new Matting(this.config.EASEL_REMOVEBG_ENGINE));
  }

  /** face_restore and face_enhance: the tenant's face_restore graphs, one cached session each. */
  get faces(): FaceEnhancer {
    this.faceRestorerInstance ??= new FaceRestorer({
      intraOpNumThreads: this.config.EASEL_ORT_THREADS || undefined,
    });
    return new FaceEnhancer(this.faceRestorerInstance, this.catalog);
  }

  /** Bus jobs and direct gRPC calls take the same path from request to images. */
  get generation(): DiffusionGeneration {
    return (this.generationInstance ??= new DiffusionGeneration({
      engine: this.engine,
      catalog: this.catalog,
      defaultModel: this.config.EASEL_DEFAULT_MODEL,
      fetchAllowHosts: this.config.fetchAllowHosts,
      postProcessors: this.postProcessors,
    }));
  }

  /** Chat replies: the tenant's llm models in llama.cpp, a context sequence per concurrent reply. */
  get chat(): ChatCompletions {
    return (this.chatInstance ??= new ChatCompletions({
      catalog: this.catalog,
      defaultModel: this.config.EASEL_DEFAULT_CHAT_MODEL,
      engine: {
        sequences: this.config.EASEL_CHAT_SEQUENCES,
        ...(this.config.EASEL_CHAT_CONTEXT ? { contextSize: this.config.EASEL_CHAT_CONTEXT } : {}),
        ...(this.config.EASEL_CHAT_THREADS ? { threads: this.config.EASEL_CHAT_THREADS } : {}),
      },
    }));
  }

  /** text2video / img2video: the tenant's motion models over their image models, the last one used kept loaded. */
  get video(): VideoGeneration {
    return (this.videoInstance ??= new VideoGeneration({
      catalog: this.catalog,
      defaultModel: this.config.EASEL_DEFAULT_VIDEO_MODEL,
      fetchAllowHosts: this.config.fetchAllowHosts,
      session: {
        device: this.config.EASEL_ORT_PROVIDER,
        ...(this.config.EASEL_ORT_THREADS ? { intraOpNumThreads: this.config.EASEL_ORT_THREADS } : {}),
      },
    }));
  }

  /** text_to_3d / image_to_3d: the tenant's 3D models, the last one used kept loaded. */
  get mesh(): MeshGeneration {
    return (this.meshInstance ??= new MeshGeneration({
      catalog: this.catalog,
      defaultModel: this.config.EASEL_DEFAULT_MESH_MODEL,
      fetchAllowHosts: this.config.fetchAllowHosts,
      session: {
        device: this.config.EASEL_ORT_PROVIDER,
        ...(this.config.EASEL_ORT_THREADS ? { intraOpNumThreads: this.config.EASEL_ORT_THREADS } : {}),
      },
    }));
  }

  /** text_to_audio / text_to_speech / voice_to_voice: Flite, the tenant's Piper voices and cloning models; stored voices from the artifact store. */
  get voice(): VoiceGeneration {
    return (this.voiceInstance ??= new VoiceGeneration({
      catalog: this.catalog,
      defaultModel: this.config.EASEL_DEFAULT_VOICE_MODEL,
      defaultVoice: this.config.EASEL_DEFAULT_VOICE,
      fetchAllowHosts: this.config.fetchAllowHosts,
      ...(this.runtime ? { store: this.runtime.store } : {}),
      session: this.config.EASEL_ORT_THREADS ? { intraOpNumThreads: this.config.EASEL_ORT_THREADS } : {},
    }));
  }

  /** Drops the cached sessions of a model (model_reload / delete_model); false when none were loaded. */
  async unloadModel(location: string): Promise<boolean> {
    const face = this.faceRestorerInstance ? await this.faceRestorerInstance.unload(location) : false;
    const diffusion = this.engineInstance ? await this.engineInstance.unloadModel(location) : false;
    return face || diffusion;
  }

  async dispose(): Promise<void> {
    await this.engineInstance?.dispose();
    this.toolsInstance?.upscaler.dispose();
    await this.toolsInstance?.safety.dispose();
    this.mattingInstance?.dispose();
    await this.faceRestorerInstance?.dispose();
    await this.chatInstance?.close();
    await this.videoInstance?.close();
    await this.meshInstance?.close();
    await this.voiceInstance?.close();
  }
}
