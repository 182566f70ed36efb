import { Module } from '@nestjs/common';
import { RateLimitsRepository, type Database } from '@easel/db';
import { DATABASE } from '../tokens';
import { systemClock, type Clock, type LimitStore } from './limit-store';
import { LimitsService } from './limits.service';
import { LIMIT_STORE, LIMITS_CLOCK } from './limits.tokens';
import { MemoryLimitStore } from './memory-limit-store';
import { PostgresLimitStore } from './postgres-limit-store';

/** Embedded mode is one process: counters in memory. Distributed mode: counters in PostgreSQL, shared by every replica. */
export function limitStoreFor(db: Database, clock: Clock = systemClock): LimitStore {
  return db.kind === 'embedded' ? new MemoryLimitStore(clock) : new PostgresLimitStore(new RateLimitsRepository(db.sql), clock);
}

@Module({
  providers: [
    { provide: LIMITS_CLOCK, useValue: systemClock },
    { provide: LIMIT_STORE, inject: [DATABASE, LIMITS_CLOCK], useFactory: limitStoreFor },
    LimitsService,
  ],
  exports: [LimitsService],
})
export class LimitsModule {}
