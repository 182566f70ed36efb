import type { EaselConfig } from '@easel/config';
import { openPostgresDatabase, type Database } from '@easel/db';
import { JetStreamJobBus } from '@easel/jobs';
import { S3ArtifactStore } from '@easel/storage';
import { CliError } from '../cli-error';

export interface DistributedAdapters {
  db: Database;
  bus: JetStreamJobBus;
  store: S3ArtifactStore;
  close(): Promise<void>;
}

function required(config: EaselConfig, names: (keyof EaselConfig)[]): void {
  const missing = names.filter((name) => !config[name]);
  if (missing.length > 0) throw new CliError(`distributed mode needs ${missing.join(', ')} (PostgreSQL, NATS and S3 settings; see the README's "Distributed mode")`);
}

/** PostgreSQL + NATS JetStream + S3: the adapters of distributed mode, from the environment. */
export async function openDistributedAdapters(config: EaselConfig): Promise<DistributedAdapters> {
  required(config, ['DATABASE_URL', 'S3_ENDPOINT', 'S3_BUCKET', 'S3_ACCESS_KEY', 'S3_SECRET_KEY']);
  const endpoint = new URL(config.S3_ENDPOINT!);
  const db = await openPostgresDatabase({ url: config.DATABASE_URL! });
  let bus: JetStreamJobBus | undefined;
  try {
    bus = await JetStreamJobBus.connect({
      servers: config.NATS_URL ?? 'nats://127.0.0.1:4222',
      streamPrefix: config.EASEL_STREAM_PREFIX,
      // Keep reconnecting through NATS outages of any length (the library gives up after 10 tries).
      connection: { user: config.NATS_USER, pass: config.NATS_PASSWORD, token: config.NATS_TOKEN, name: 'easel', maxReconnectAttempts: -1 },
    });
    const store = await S3ArtifactStore.open({
      endPoint: endpoint.hostname,
      port: endpoint.port ? Number(endpoint.port) : undefined,
      useSSL: endpoint.protocol === 'https:',
      accessKey: config.S3_ACCESS_KEY!,
      secretKey: config.S3_SECRET_KEY!,
      bucket: config.S3_BUCKET!,
      region: config.S3_REGION,
      createBucket: true,
      publicUrl: config.S3_PUBLIC_URL,
    });
    const openedBus = bus;
    return {
      db,
      bus: openedBus,
      store,
      async close() {
        await openedBus.close();
        await db.close();
      },
    };
  } catch (error) {
    await bus?.close().catch(() => undefined);
    await db.close().catch(() => undefined);
    throw error;
  }
}
