import { join } from 'node:path';
import type { EaselConfig } from '@easel/config';
import { applyMigrations, openEmbeddedDatabase, type Database } from '@easel/db';
import { TRAINING_SERVICE } from '@easel/contracts';
import { probePython } from '@easel/engine-training';
import { createGateway, type Gateway } from '@easel/gateway';
import { InProcessJobBus } from '@easel/jobs';
import { BundledModelCatalog, ModelStore } from '@easel/model-store';
import { LocalArtifactStore } from '@easel/storage';
import { startWorker, type Worker } from '@easel/worker';
import { claimHome } from './home-lock';
import { assertPortFree } from './port-check';

export interface EmbeddedEaselInstance {
  url: string;
  gateway: Gateway;
  /** The admin key, only on the first start of this EASEL_HOME. */
  adminKey: string | null;
  artifactsDir: string;
  close(): Promise<void>;
}

/**
 * Embedded mode: the gateway and every worker in this process, on PGlite (same schema and
 * migrations as PostgreSQL), the in-process bus and the filesystem artifact store, all
 * under EASEL_HOME.
 */
export async function startEmbedded(config: EaselConfig, log: (line: string) => void = () => undefined): Promise<EmbeddedEaselInstance> {
  await assertPortFree(config.PORT, config.EASEL_HOST);
  const releaseHome = await claimHome(config.home);
  const artifactsDir = join(config.home, 'artifacts');
  let db: Database | undefined;
  let gateway: Gateway | undefined;
  let worker: Worker | undefined;
  const bus = new InProcessJobBus();
  const close = async () => {
    await gateway?.close(); // stop answering first; then let running jobs finish or hand them back
    await worker?.stop();
    await bus.close();
    await db?.close();
    await releaseHome();
  };
  try {
    db = await openEmbeddedDatabase({ dataDir: join(config.home, 'db') });
    const applied = await applyMigrations(db.sql);
    if (applied.length > 0) log(`database migrated: ${applied.join(', ')}`);
    const store = new LocalArtifactStore(artifactsDir, config.EASEL_ARTIFACT_MIN_FREE_BYTES);
    // Uploaded models (load_model) live in the database and under $EASEL_HOME/models, beside the bundled ones.
    const catalog = new ModelStore(db, new BundledModelCatalog(config.modelsDir), { filesDir: join(config.home, 'models'), allowHosts: config.fetchAllowHosts, log });
    worker = await startWorker({ config, db, bus, store, catalog, log });
    // The in-process worker trains only where python3 with torch is installed: the endpoints say so, nothing else minds.
    const trainerProblem = async () =>
      config.services.includes(TRAINING_SERVICE) ? (await probePython(config.EASEL_TRAINER_PYTHON)).problem : 'The training service is not among EASEL_SERVICES in this deployment.';
    gateway = await createGateway({ config, db, bus, store, catalog, modelStore: catalog, trainerProblem });
    const url = await gateway.listen(config.PORT, config.EASEL_HOST);
    // PORT=0 picks a free port: links must name the real one.
    if (config.PORT === 0 && !config.EASEL_PUBLIC_URL) config.publicUrl = url;
    return { url, gateway, adminKey: gateway.bootstrap.adminKey, artifactsDir, close };
  } catch (error) {
    await close().catch(() => undefined);
    throw error;
  }
}
