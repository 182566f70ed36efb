import { join } from 'node:path';
import type { EaselConfig } from '@easel/config';
import { createGateway } from '@easel/gateway';
import { BundledModelCatalog, ModelStore } from '@easel/model-store';
import { startTelemetry } from '@easel/telemetry';
import { startWorker } from '@easel/worker';
import { openDistributedAdapters } from '../distributed/adapters';

const say = (line: string) => process.stdout.write(`${line}\n`);

/** EASEL_TRACING=otlp: spans to OTEL_EXPORTER_OTLP_ENDPOINT as OTEL_SERVICE_NAME (default `role`); otherwise only trace context passes through. */
export function startProcessTelemetry(config: EaselConfig, role: string) {
  return startTelemetry({ serviceName: config.OTEL_SERVICE_NAME ?? role, exporter: config.EASEL_TRACING, otlpEndpoint: config.OTEL_EXPORTER_OTLP_ENDPOINT });
}

/** Runs until SIGINT/SIGTERM, then calls `stop` once and exits 0. */
function stopOnSignals(name: string, stop: () => Promise<void>): void {
  let stopping = false;
  const handler = (signal: string) => {
    if (stopping) return;
    stopping = true;
    say(`easel ${name}: ${signal}: stopping`);
    stop().then(
      () => process.exit(0),
      (error: Error) => {
        say(`easel ${name}: error while stopping: ${error.message}`);
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', () => handler('SIGINT'));
  process.once('SIGTERM', () => handler('SIGTERM'));
}

/** `easel gateway`: the HTTP API alone, dispatching to workers over NATS (distributed mode). */
export async function serveGateway(config: EaselConfig): Promise<void> {
  const telemetry = await startProcessTelemetry(config, 'easel-gateway');
  const adapters = await openDistributedAdapters(config);
  // Uploaded models: verified here, kept in the artifact store (S3), synced by each worker to its cache.
  const catalog = new ModelStore(adapters.db, new BundledModelCatalog(config.modelsDir), { filesDir: join(config.home, 'model-staging'), artifacts: adapters.store, allowHosts: config.fetchAllowHosts, log: (line) => say(`easel gateway: ${line}`) });
  const gateway = await createGateway({ config, db: adapters.db, bus: adapters.bus, store: adapters.store, catalog, modelStore: catalog });
  const url = await gateway.listen(config.PORT, config.EASEL_HOST);
  say(`easel gateway: listening on ${url}`);
  if (gateway.bootstrap.adminKey) say(`easel gateway: first start: admin API key (shown once):\n  ${gateway.bootstrap.adminKey}`);
  stopOnSignals('gateway', async () => {
    await gateway.close();
    await adapters.close();
    await telemetry.shutdown();
  });
}

/** `easel worker`: takes the jobs of EASEL_SERVICES for EASEL_POOL from NATS (distributed mode). */
export async function serveWorker(config: EaselConfig): Promise<void> {
  const telemetry = await startProcessTelemetry(config, 'easel-worker');
  const adapters = await openDistributedAdapters(config);
  const catalog = new ModelStore(adapters.db, new BundledModelCatalog(config.modelsDir), { filesDir: join(config.home, 'model-staging'), artifacts: adapters.store, cacheDir: join(config.home, 'model-cache'), log: (line) => say(`easel worker: ${line}`) });
  const worker = await startWorker({ config, db: adapters.db, bus: adapters.bus, store: adapters.store, catalog, pool: config.EASEL_POOL, grpcPort: config.EASEL_GRPC_PORT, log: (line) => say(`easel worker: ${line}`) });
  say(`easel worker: running ${worker.services.join(', ')} for pool ${config.EASEL_POOL}, gRPC on port ${worker.grpcPort} (pid ${process.pid})`);
  stopOnSignals('worker', async () => {
    // Drain: stop pulling, let running jobs finish (or hand them back after the grace period).
    await worker.stop(config.EASEL_SHUTDOWN_GRACE_MS);
    await adapters.close();
    await telemetry.shutdown();
  });
}
