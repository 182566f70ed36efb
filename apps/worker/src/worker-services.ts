import { CHAT_SERVICE, CONTROLNET_SERVICE, DIFFUSION_SERVICE, IMAGE_EDITING_SERVICE, SUPER_RESOLUTION_SERVICE, TRAINING_SERVICE, VIDEO_SERVICE, MESH_SERVICE, VOICE_CREDITS_PER_SECOND, VOICE_SERVICE } from '@easel/contracts';
import { chatGrpcEntry } from './chat/chat-grpc';
import { ChatHandler } from './chat/chat-handler';
import { controlNetGrpcEntry } from './controlnet/controlnet-grpc';
import { controlNetJobInput } from './controlnet/controlnet-input';
import { DiffusionHandler } from './diffusion/diffusion-handler';
import { diffusionGrpcEntry, type GrpcServiceEntry } from './grpc/server';
import { superResolutionGrpcEntry } from './grpc/super-resolution-service';
import { ImageEditing } from './image-editing/image-editing';
import { imageEditingGrpcEntry } from './image-editing/image-editing-grpc';
import { ImageEditingHandler } from './image-editing/image-editing-handler';
import type { ServiceHandler } from './service-handler';
import { TrainingHandler } from './training/training-handler';
import { SuperResolution, SuperResolutionHandler } from './super-resolution/super-resolution-handler';
import { videoGrpcEntry } from './video/video-grpc';
import { VideoHandler } from './video/video-handler';
import { meshGrpcEntry } from './mesh/mesh-grpc';
import { MeshHandler } from './mesh/mesh-handler';
import { voiceGrpcEntry } from './voice/voice-grpc';
import { VoiceHandler } from './voice/voice-handler';
import type { WorkerResources } from './worker-resources';

/** One service's worker side: its bus handler and its gRPC service, both on the same code path. */
export interface WorkerService {
  handler(resources: WorkerResources): ServiceHandler;
  grpc?(resources: WorkerResources): GrpcServiceEntry;
}

const superResolution = (r: WorkerResources) =>
  new SuperResolution({
    upscaler: r.postProcessors.upscaler,
    faces: () => r.faces,
    fetchAllowHosts: r.config.fetchAllowHosts,
  });

const imageEditing = (r: WorkerResources) =>
  new ImageEditing({ matting: r.matting, faces: () => r.faces, fetchAllowHosts: r.config.fetchAllowHosts });

/** Every service a worker can run (EASEL_SERVICES names them), by the name @easel/contracts gives it. */
export const WORKER_SERVICES: Readonly<Record<string, WorkerService>> = {
  [DIFFUSION_SERVICE]: {
    handler: (r) => new DiffusionHandler(r.generation),
    grpc: (r) =>
      diffusionGrpcEntry({
        generation: r.generation,
        engine: r.engine,
        catalog: r.catalog,
        maxConcurrent: r.config.EASEL_WORKER_CONCURRENCY,
        slots: r.slots,
        device: r.config.EASEL_ORT_PROVIDER,
      }),
  },
  [SUPER_RESOLUTION_SERVICE]: {
    handler: (r) => new SuperResolutionHandler(superResolution(r)),
    grpc: (r) => superResolutionGrpcEntry(superResolution(r), r.slots),
  },
  [IMAGE_EDITING_SERVICE]: {
    handler: (r) => new ImageEditingHandler(imageEditing(r)),
    grpc: (r) => imageEditingGrpcEntry(imageEditing(r), r.slots),
  },
  // A diffusion generation with ControlNets: the diffusion service's engine and code path.
  [CONTROLNET_SERVICE]: {
    handler: (r) => new DiffusionHandler(r.generation, CONTROLNET_SERVICE, controlNetJobInput),
    grpc: (r) => controlNetGrpcEntry({ generation: r.generation, engine: r.engine, slots: r.slots, device: r.config.EASEL_ORT_PROVIDER }),
  },
  // Long jobs on the training pool: bus only (resumed from checkpoints), no direct gRPC call.
  [TRAINING_SERVICE]: {
    handler: (r) => {
      if (!r.runtime) throw new Error('the training service needs the artifact store and the job rows');
      return new TrainingHandler({
        home: r.config.home,
        catalog: r.catalog,
        store: r.runtime.store,
        jobs: r.runtime.jobs,
        generation: () => r.generation,
        fetchAllowHosts: r.config.fetchAllowHosts,
        python: r.config.EASEL_TRAINER_PYTHON,
        threads: r.config.EASEL_TRAINER_THREADS,
        checkpointEvery: r.config.EASEL_TRAINER_CHECKPOINT_STEPS,
        ackWaitMs: r.config.EASEL_ACK_WAIT_MS,
        log: r.log,
      });
    },
  },
  // Replies of llama.cpp models; their text streams as the job's progress events.
  [CHAT_SERVICE]: {
    handler: (r) => new ChatHandler(r.chat, r.runtime?.jobs),
    grpc: (r) => chatGrpcEntry(r.chat, r.slots, 'cpu'),
  },
  // Clips of a motion model over its image model; a progress event per denoising step and per frame.
  [VIDEO_SERVICE]: {
    handler: (r) => new VideoHandler(r.video),
    grpc: (r) => videoGrpcEntry(r.video, r.slots),
  },
  // Meshes of a latent prior and an implicit surface; a progress event per prior step, then the surface and the files.
  [MESH_SERVICE]: {
    handler: (r) => new MeshHandler(r.mesh),
    grpc: (r) => meshGrpcEntry(r.mesh, r.slots),
  },
  // Speech from Flite or a Piper voice, cloned into a reference's voice when asked; billed by the second.
  [VOICE_SERVICE]: {
    handler: (r) => new VoiceHandler(r.voice, VOICE_CREDITS_PER_SECOND),
    grpc: (r) => voiceGrpcEntry(r.voice, r.slots),
  },
};

export function workerService(name: string): WorkerService {
  const service = WORKER_SERVICES[name];
  if (!service)
    throw new Error(
      `EASEL_SERVICES names "${name}", which this worker cannot run (known: ${Object.keys(WORKER_SERVICES).join(', ')})`,
    );
  return service;
}
