import { Module } from '@nestjs/common';
import { LedgerRepository, type Database } from '@easel/db';
import { DATABASE } from '../tokens';

@Module({
  providers: [{ provide: LedgerRepository, useFactory: (db: Database) => new LedgerRepository(db.prisma), inject: [DATABASE] }],
  exports: [LedgerRepository],
})
export class BillingModule {}
