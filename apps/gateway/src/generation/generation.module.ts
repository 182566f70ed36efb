import { Module } from '@nestjs/common';
import { JobsModule } from '../jobs/jobs.module';
import { KeysModule } from '../keys/keys.module';
import { GenerationController } from './generation.controller';
import { GenerationService } from './generation.service';
import { OutputController } from './output.controller';

@Module({
  imports: [JobsModule, KeysModule],
  controllers: [GenerationController, OutputController],
  providers: [GenerationService],
})
export class GenerationModule {}
