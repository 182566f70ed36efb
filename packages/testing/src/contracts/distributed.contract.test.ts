import { JetStreamJobBus } from '@easel/jobs';
import { S3ArtifactStore } from '@easel/storage';
import { randomUUID } from 'node:crypto';
import { connect } from 'nats';
import { startS3Server, type TestS3Server } from '../s3/start-s3-server';
import { openPostgresDatabase } from '@easel/db';
import { artifactStoreContract } from './artifact-store.contract';
import { databaseContract } from './database.contract';
import { jobBusContract } from './job-bus.contract';

const NATS_URL = process.env.NATS_URL ?? 'nats://127.0.0.1:4222';
// Every stream this run creates starts with this, so it can delete exactly those.
const streamPrefix = `test-${randomUUID().slice(0, 8)}-`;

jobBusContract('NATS JetStream', {
  create: () => JetStreamJobBus.connect({ servers: NATS_URL, streamPrefix, pullExpiresMs: 1_000 }),
});

afterAll(async () => {
  const connection = await connect({ servers: NATS_URL });
  const manager = await connection.jetstreamManager();
  for await (const name of manager.streams.names()) {
    if (name.startsWith(streamPrefix)) await manager.streams.delete(name);
  }
  await connection.close();
});

let s3: TestS3Server | undefined;
artifactStoreContract('S3 (minio client on an S3 test server)', {
  signsUrls: true,
  create: async () => {
    s3 = await startS3Server();
    // 5 MiB parts (S3's minimum) so the contract's 12 MiB stream goes up as a multipart upload.
    return S3ArtifactStore.open({ ...s3, bucket: 'easel-contract', createBucket: true, partSizeBytes: 5 * 1024 * 1024 });
  },
  cleanup: async () => s3?.stop(),
});

const POSTGRES_URL = process.env.TEST_DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/test';
const schema = `contract_${randomUUID().slice(0, 8)}`;
databaseContract('PostgreSQL', {
  create: () => openPostgresDatabase({ url: `${POSTGRES_URL}?schema=${schema}` }),
  cleanup: (db) => db.sql.exec(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`),
});
