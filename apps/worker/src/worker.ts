import type { EaselConfig } from '@easel/config';
import { DIFFUSION_SERVICE } from '@easel/contracts';
import { JobsRepository, type Database } from '@easel/db';
import { DiffusionEngine } from '@easel/engine-diffusion';
import type { JobBus } from '@easel/jobs';
import type { ModelCatalog } from '@easel/model-store';
import type { ArtifactStore } from '@easel/storage';
import { DiffusionHandler } from './diffusion/diffusion-handler';
import { JobRunner } from './job-runner';
import type { ServiceHandler } from './service-handler';

export const DEFAULT_POOL = 'default';

export interface WorkerDependencies {
  config: EaselConfig;
  db: Database;
  bus: JobBus;
  store: ArtifactStore;
  catalog: ModelCatalog;
  pool?: string;
  log?: (message: string) => void;
}

export interface Worker {
  services: string[];
  stop(graceMs?: number): Promise<void>;
}

function createHandler(service: string, deps: WorkerDependencies): ServiceHandler {
  const { config } = deps;
  switch (service) {
    case DIFFUSION_SERVICE:
      return new DiffusionHandler({
        engine: new DiffusionEngine({ intraOpNumThreads: config.EASEL_ORT_THREADS || undefined, cacheBudgetBytes: config.EASEL_MODEL_CACHE_BYTES }),
        catalog: deps.catalog,
        defaultModel: config.EASEL_DEFAULT_MODEL,
        fetchAllowHosts: config.fetchAllowHosts,
      });
    default:
      throw new Error(`EASEL_SERVICES names "${service}", which this worker cannot run (known: ${DIFFUSION_SERVICE})`);
  }
}

/** Starts one job runner per service in EASEL_SERVICES. */
export async function startWorker(deps: WorkerDependencies): Promise<Worker> {
  const jobs = new JobsRepository(deps.db.prisma);
  const handlers = deps.config.services.map((service) => createHandler(service, deps));
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
        log: deps.log,
      }),
  );
  for (const runner of runners) await runner.start();
  return {
    services: handlers.map((h) => h.service),
    async stop(graceMs = 10_000) {
      await Promise.all(runners.map((r) => r.stop(graceMs)));
      await Promise.all(handlers.map((h) => h.close?.()));
    },
  };
}
