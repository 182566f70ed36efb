import { Module } from '@nestjs/common';
import { JobsModule } from '../jobs/jobs.module';
import { KeysModule } from '../keys/keys.module';
import { LimitsModule } from '../limits/limits.module';
import { GenerationController } from './generation.controller';
import { GenerationService } from './generation.service';
import { JobViewService } from './job-view.service';
import { ArtifactLinksService } from './artifact-links.service';
import { OutputController } from './output.controller';

@Module({
  imports: [JobsModule, KeysModule, LimitsModule],
  controllers: [GenerationController, OutputController],
  providers: [GenerationService, JobViewService, ArtifactLinksService],
  exports: [JobViewService, GenerationService],
})
export class GenerationModule {}
