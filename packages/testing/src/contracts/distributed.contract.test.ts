import { JetStreamJobBus } from '@easel/jobs';
import { randomUUID } from 'node:crypto';
import { connect } from 'nats';
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
