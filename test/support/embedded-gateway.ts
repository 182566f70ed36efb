import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '@easel/config';
import { applyMigrations, openEmbeddedDatabase } from '@easel/db';
import { createGateway, type Gateway } from '@easel/gateway';
import { InProcessJobBus } from '@easel/jobs';
import { BundledModelCatalog } from '@easel/model-store';
import { LocalArtifactStore } from '@easel/storage';

/** A gateway on embedded adapters (PGlite in memory, the in-process bus, a temp artifact folder) and no worker. */
export async function startEmbeddedGateway(): Promise<{ gateway: Gateway; close(): Promise<void> }> {
  const home = mkdtempSync(join(tmpdir(), 'easel-test-gateway-'));
  const db = await openEmbeddedDatabase();
  await applyMigrations(db.sql);
  const config = loadConfig({ EASEL_HOME: home, EASEL_LOG_LEVEL: 'error' });
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
    async close() {
      await gateway.close();
      await bus.close();
      await db.close();
      rmSync(home, { recursive: true, force: true });
    },
  };
}
