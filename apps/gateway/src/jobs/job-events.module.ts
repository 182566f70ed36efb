import { Module } from '@nestjs/common';
import { KeysModule } from '../keys/keys.module';
import { JobEventStreamService } from './job-event-stream.service';
import { JobEventsController } from './job-events.controller';
import { JobsModule } from './jobs.module';

/** GET /api/v3/jobs/{id}/events: progress of a job of any service, as server-sent events. */
@Module({
  imports: [JobsModule, KeysModule],
  controllers: [JobEventsController],
  providers: [JobEventStreamService],
  exports: [JobEventStreamService],
})
export class JobEventsModule {}
