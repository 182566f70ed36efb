import { Module } from '@nestjs/common';
import { JobsModule } from '../jobs/jobs.module';
import { KeysModule } from '../keys/keys.module';
import { VideoController } from './video.controller';
import { VideoDefinition } from './video.definition';

@Module({
  imports: [JobsModule, KeysModule],
  controllers: [VideoController],
  providers: [VideoDefinition],
})
export class VideoModule {}
