import { Module } from '@nestjs/common';
import { RetentionSweeper } from './retention-sweeper';

/** Deletes what retention no longer keeps (see RetentionSweeper). */
@Module({ providers: [RetentionSweeper], exports: [RetentionSweeper] })
export class RetentionModule {}
