import { Module } from '@nestjs/common';
import { JobsModule } from '../jobs/jobs.module';
import { KeysModule } from '../keys/keys.module';
import { WebhookDispatcher } from './webhook-dispatcher';
import { WebhookLogsController } from './webhook-logs.controller';

/** Signed job-ended webhooks sent from the outbox, and the per-job delivery log. */
@Module({
  imports: [JobsModule, KeysModule],
  controllers: [WebhookLogsController],
  providers: [WebhookDispatcher],
  exports: [WebhookDispatcher],
})
export class WebhooksModule {}
