import type { Database } from '@easel/db';
import { limitStoreFor } from './limits.module';
import { MemoryLimitStore } from './memory-limit-store';
import { PostgresLimitStore } from './postgres-limit-store';

describe('limitStoreFor', () => {
  const fake = (kind: Database['kind']) => ({ kind, prisma: {}, sql: {}, close: () => Promise.resolve() }) as unknown as Database;

  it('keeps counters in memory in embedded mode (one process)', () => {
    expect(limitStoreFor(fake('embedded'))).toBeInstanceOf(MemoryLimitStore);
  });

  it('keeps counters in PostgreSQL in distributed mode, shared by every replica', () => {
    expect(limitStoreFor(fake('postgres'))).toBeInstanceOf(PostgresLimitStore);
  });
});
