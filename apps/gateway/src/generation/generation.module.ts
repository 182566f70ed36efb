import { Module } from '@nestjs/common';
import { JobsModule } from '../jobs/jobs.module';
import { KeysModule } from '../keys/keys.module';
import { ArtifactLinksService } from './artifact-links.service';
import { DiffusionDefinition } from './diffusion.definition';
import { GenerationController } from './generation.controller';
import { OutputController } from './output.controller';

@Module({
  imports: [JobsModule, KeysModule],
  controllers: [GenerationController, OutputController],
  providers: [DiffusionDefinition, ArtifactLinksService],
})
export class GenerationModule {}
