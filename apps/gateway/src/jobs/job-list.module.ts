import { Module } from '@nestjs/common';
import { KeysModule } from '../keys/keys.module';
import { JobListController } from './job-list.controller';
import { JobListService } from './job-list.service';
import { JobsModule } from './jobs.module';

/** GET /api/v3/jobs: the tenant's jobs of every service, newest first, a page at a time. */
@Module({
  imports: [JobsModule, KeysModule],
  controllers: [JobListController],
  providers: [JobListService],
})
export class JobListModule {}
