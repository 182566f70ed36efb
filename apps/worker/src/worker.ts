import { ConfigError, type EaselConfig } from '@easel/config';
import { IMAGE_EDITING_SERVICE } from '@easel/contracts';
import { JobsRepository, type Database } from '@easel/db';
import { removeBackgroundEngineProblem } from '@easel/engine-matting';
import type { JobBus } from '@easel/jobs';
import type { ModelCatalog } from '@easel/model-store';
import type { ArtifactStore } from '@easel/storage';
import { GenerationSlots } from './generation-slots';
import { startGrpcServer, type GrpcServerHandle } from './grpc';
import { JobRunner } from './job-runner';
import { WorkerResources } from './worker-resources';
import { workerService } from './worker-services';

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

/** Starts one job runner per service in EASEL_SERVICES (and their gRPC services when `grpcPort` is given). */
export async function startWorker(deps: WorkerDependencies): Promise<Worker> {
  const { config } = deps;
  // With the driver: the per-job statements (start, succeed) are prepared on PostgreSQL and shared under load.
  const jobs = new JobsRepository(deps.db.prisma, deps.db.sql);
  const services = config.services.map((name) => ({ definition: workerService(name) }));
  // An opt-in engine that is not installed stops start-up with one line, not the first job.
  const engineProblem = config.services.includes(IMAGE_EDITING_SERVICE)
    ? removeBackgroundEngineProblem(config.EASEL_REMOVEBG_ENGINE)
    : null;
  if (engineProblem) throw new ConfigError(engineProblem);
  // Bus jobs and gRPC calls share the worker's slots: GetCapacity reports both.
  const slots = new GenerationSlots(config.EASEL_WORKER_CONCURRENCY);
  const resources = new WorkerResources(config, deps.catalog, slots, deps.log, { store: deps.store, jobs });
  const handlers = services.map(({ definition }) => definition.handler(resources));
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
      services: services.flatMap(({ definition }) => (definition.grpc ? [definition.grpc(resources)] : [])),
    });
  }
  // model_reload / delete_model from any gateway: drop the sessions built from the model (and a deleted model's synced files).
  const evictions = await deps.bus.subscribeModelEvictions(async ({ location, deleted }) => {
    const local = deps.catalog.localCopyOf?.(location) ?? location;
    const dropped = await resources.unloadModel(local);
    if (deleted) await deps.catalog.removeLocalCopy?.(location);
    deps.log?.(
      `model ${location} evicted (${deleted ? 'deleted' : 'reload'}): ${dropped ? 'cached sessions dropped' : 'nothing was cached'}`,
    );
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
      await resources.dispose();
    },
  };
}
