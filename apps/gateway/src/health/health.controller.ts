import { Controller, Get, Inject, ServiceUnavailableException } from '@nestjs/common';
import type { Database } from '@easel/db';
import type { ArtifactStore } from '@easel/storage';
import { ARTIFACT_STORE, DATABASE } from '../tokens';

@Controller()
export class HealthController {
  constructor(
    @Inject(DATABASE) private readonly db: Database,
    @Inject(ARTIFACT_STORE) private readonly store: ArtifactStore,
  ) {}

  /** The process is up. */
  @Get('healthz')
  healthz() {
    return { status: 'ok' };
  }

  /** The process can serve: its database answers and its artifact store can take files. */
  @Get('readyz')
  async readyz() {
    try {
      await this.db.sql.query('SELECT 1');
    } catch {
      throw new ServiceUnavailableException('database unreachable');
    }
    const store = await this.store
      .health()
      .catch((error: Error) => ({ writable: false, freeBytes: null, reason: error.message }));
    if (!store.writable)
      throw new ServiceUnavailableException(`artifact store not writable: ${store.reason ?? 'unknown'}`);
    return { status: 'ok', artifact_store_free_bytes: store.freeBytes };
  }
}
