import type { EaselConfig } from '@easel/config';
import { DIFFUSION_SERVICE, SUPER_RESOLUTION_KIND } from '@easel/contracts';
import { JobsRepository, type Database } from '@easel/db';
import { DiffusionEngine } from '@easel/engine-diffusion';
import { SafetyChecker } from '@easel/engine-safety';
import { Upscaler } from '@easel/engine-upscale';
import type { JobBus } from '@easel/jobs';
import type { ModelCatalog } from '@easel/model-store';
import type { ArtifactStore } from '@easel/storage';
import { DiffusionGeneration } from './diffusion/diffusion-generation';
import { DiffusionHandler } from './diffusion/diffusion-handler';
import { GenerationSlots } from './generation-slots';
import { startGrpcServer, type GrpcServerHandle } from './grpc';
import { JobRunner } from './job-runner';
import { KindRouter } from './kind-router';
import type { PostProcessors } from './postprocess/post-process';
import { SuperResolutionHandler } from './super-resolution/super-resolution-handler';
import type { ServiceHandler } from './service-handler';

export const DEFAULT_POOL = 'default';

export interface WorkerDependencies {
  config: EaselConfig;
  db: Database;
  bus: JobBus;
  store: ArtifactStore;
  catalog: ModelCatalog;
  pool?: string;
  /** Also serve the services over gRPC on this port (distributed mode); 0 picks a free port. */
  grpcPort?: number;
  log?: (message: string) => void;
}

export interface Worker {
  services: string[];
  /** The gRPC port, when `grpcPort` was given. */
  grpcPort: number | null;
  stop(graceMs?: number): Promise<void>;
}

function createHandler(service: string, deps: WorkerDependencies, generation: DiffusionGeneration, tools: PostProcessors): ServiceHandler {
  const { config } = deps;
  switch (service) {
    case DIFFUSION_SERVICE: {
      const superResolution = new SuperResolutionHandler({ upscaler: tools.upscaler, fetchAllowHosts: config.fetchAllowHosts });
      return new KindRouter(DIFFUSION_SERVICE, new DiffusionHandler(generation), { [SUPER_RESOLUTION_KIND]: superResolution });
    }
    default:
      throw new Error(`EASEL_SERVICES names "${service}", which this worker cannot run (known: ${DIFFUSION_SERVICE})`);
  }
}

/** Starts one job runner per service in EASEL_SERVICES. */
export async function startWorker(deps: WorkerDependencies): Promise<Worker> {
  const { config } = deps;
  const jobs = new JobsRepository(deps.db.prisma);
  // One engine (one model cache) for the bus and for direct gRPC calls.
  const engine = new DiffusionEngine({
    device: config.EASEL_ORT_PROVIDER,
    intraOpNumThreads: config.EASEL_ORT_THREADS || undefined,
    cacheBudgetBytes: config.EASEL_MODEL_CACHE_BYTES,
    // LoRA keys that matched no weight are reported in the job's meta and here.
    ...(deps.log ? { warn: deps.log } : {}),
  });
  // Bus jobs and gRPC calls share the worker's slots: GetCapacity reports both.
  const slots = new GenerationSlots(config.EASEL_WORKER_CONCURRENCY);
  // Shared by the generation and super_resolution jobs (each model is loaded once).
  const tools: PostProcessors = { upscaler: new Upscaler(), safety: new SafetyChecker(config.EASEL_NSFW_THRESHOLD) };
  // Bus jobs and direct gRPC calls take the same path from request to images.
  const generation = new DiffusionGeneration({
    engine,
    catalog: deps.catalog,
    defaultModel: config.EASEL_DEFAULT_MODEL,
    fetchAllowHosts: config.fetchAllowHosts,
    postProcessors: tools,
  });
  const handlers = config.services.map((service) => createHandler(service, deps, generation, tools));
  const runners = handlers.map(
    (handler) =>
      new JobRunner({
        bus: deps.bus,
        jobs,
        store: deps.store,
        handler,
        pool: deps.pool ?? DEFAULT_POOL,
        concurrency: deps.config.EASEL_WORKER_CONCURRENCY,
        ackWaitMs: deps.config.EASEL_ACK_WAIT_MS,
        maxDeliver: deps.config.EASEL_MAX_DELIVERIES,
        slots,
        tempArtifactSeconds: deps.config.EASEL_TEMP_LINK_TTL_S,
        log: deps.log,
      }),
  );
  let grpc: GrpcServerHandle | null = null;
  if (deps.grpcPort !== undefined) {
    grpc = await startGrpcServer({
      port: deps.grpcPort,
      diffusion: { generation, engine, catalog: deps.catalog, maxConcurrent: config.EASEL_WORKER_CONCURRENCY, slots, device: config.EASEL_ORT_PROVIDER },
    });
  }
  // model_reload / delete_model from any gateway: drop the sessions built from the model (and a deleted model's synced files).
  const evictions = await deps.bus.subscribeModelEvictions(async ({ location, deleted }) => {
    const local = deps.catalog.localCopyOf?.(location) ?? location;
    const dropped = await engine.unloadModel(local);
    if (deleted) await deps.catalog.removeLocalCopy?.(location);
    deps.log?.(`model ${location} evicted (${deleted ? 'deleted' : 'reload'}): ${dropped ? 'cached sessions dropped' : 'nothing was cached'}`);
  });
  for (const runner of runners) await runner.start();
  return {
    services: handlers.map((h) => h.service),
    grpcPort: grpc?.port ?? null,
    async stop(graceMs = 10_000) {
      grpc?.setServing(false);
      await evictions.unsubscribe().catch(() => undefined);
      await Promise.all([...runners.map((r) => r.stop(graceMs)), grpc?.close()]);
      await Promise.all(handlers.map((h) => h.close?.()));
      await engine.dispose();
      tools.upscaler.dispose();
      await tools.safety.dispose();
    },
  };
}
