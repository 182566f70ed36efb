import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '@easel/config';
import { applyMigrations, openEmbeddedDatabase, openPostgresDatabase, type Database } from '@easel/db';
import { InProcessJobBus } from '@easel/jobs';
import { BundledModelCatalog, type ModelCatalog } from '@easel/model-store';
import { LocalArtifactStore, type ArtifactStore } from '@easel/storage';
import { createGateway, type Gateway } from '../gateway';

export interface TestGatewayOptions {
  /** Settings on top of the test defaults (no sync window, quiet logs, any port). */
  env?: Record<string, string>;
  /** The database to run on, left open by close(); default: a fresh migrated in-memory PGlite, closed by close(). */
  db?: Database;
  /** EASEL_HOME (artifacts under it); default: a temporary folder, removed by close(). */
  home?: string;
  /** The artifact store; default: the local filesystem under EASEL_HOME. */
  store?: ArtifactStore;
  /** The model catalog; default: the bundled models. */
  catalog?: ModelCatalog;
}

export interface TestGateway {
  gateway: Gateway;
  db: Database;
  bus: InProcessJobBus;
  home: string;
  store: ArtifactStore;
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
  const store = options.store ?? new LocalArtifactStore(join(home, 'artifacts'));
  const gateway = await createGateway({
    config,
    db,
    bus,
    store,
    catalog: options.catalog ?? new BundledModelCatalog(config.modelsDir),
  });
  return {
    gateway,
    db,
    bus,
    home,
    store,
    async close() {
      await gateway.close();
      await bus.close();
      if (!options.db) await db.close();
      if (!options.home) await rm(home, { recursive: true, force: true });
    },
  };
}

export interface TestDatabase {
  db: Database;
  /** Closes it; on PostgreSQL also drops the run's schema. */
  close(): Promise<void>;
}

const POSTGRES_URL = process.env.TEST_DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/test';

/** A migrated database: in-memory PGlite (embedded), or a fresh schema of its own on the test PostgreSQL. */
export async function openTestDatabase(kind: 'embedded' | 'postgres'): Promise<TestDatabase> {
  if (kind === 'embedded') {
    const db = await openEmbeddedDatabase();
    await applyMigrations(db.sql);
    return { db, close: () => db.close() };
  }
  const schema = `gateway_${randomBytes(5).toString('hex')}`;
  const db = await openPostgresDatabase({ url: `${POSTGRES_URL}?schema=${schema}` });
  await applyMigrations(db.sql);
  return {
    db,
    async close() {
      await db.sql.exec(`DROP SCHEMA "${schema}" CASCADE`);
      await db.close();
    },
  };
}
