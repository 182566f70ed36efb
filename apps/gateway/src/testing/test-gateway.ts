import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '@easel/config';
import { applyMigrations, openEmbeddedDatabase, type Database } from '@easel/db';
import { InProcessJobBus } from '@easel/jobs';
import { BundledModelCatalog } from '@easel/model-store';
import { LocalArtifactStore } from '@easel/storage';
import { createGateway, type Gateway } from '../gateway';

export interface TestGatewayOptions {
  /** Settings on top of the test defaults (no sync window, quiet logs, any port). */
  env?: Record<string, string>;
  /** The database to run on, left open by close(); default: a fresh migrated in-memory PGlite, closed by close(). */
  db?: Database;
  /** EASEL_HOME (artifacts under it); default: a temporary folder, removed by close(). */
  home?: string;
}

export interface TestGateway {
  gateway: Gateway;
  db: Database;
  bus: InProcessJobBus;
  home: string;
  close(): Promise<void>;
}

/**
 * A gateway for the HTTP suites: embedded adapters and no worker, so submitted jobs stay
 * queued until a test settles them itself.
 */
export async function startTestGateway(options: TestGatewayOptions = {}): Promise<TestGateway> {
  const home = options.home ?? (await mkdtemp(join(tmpdir(), 'easel-gateway-')));
  const db = options.db ?? (await openEmbeddedDatabase());
  if (!options.db) await applyMigrations(db.sql);
  const config = loadConfig({
    EASEL_SYNC_WINDOW_MS: '0',
    EASEL_LOG_LEVEL: 'error',
    PORT: '0',
    EASEL_HOME: home,
    ...options.env,
  });
  const bus = new InProcessJobBus();
  const gateway = await createGateway({
    config,
    db,
    bus,
    store: new LocalArtifactStore(join(home, 'artifacts')),
    catalog: new BundledModelCatalog(config.modelsDir),
  });
  return {
    gateway,
    db,
    bus,
    home,
    async close() {
      await gateway.close();
      await bus.close();
      if (!options.db) await db.close();
      if (!options.home) await rm(home, { recursive: true, force: true });
    },
  };
}
