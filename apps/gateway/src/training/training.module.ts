import { Module } from '@nestjs/common';
import { JobsModule } from '../jobs/jobs.module';
import { KeysModule } from '../keys/keys.module';
import { ModelsModule } from '../models/models.module';
import { TrainingController } from './training.controller';
import { TrainingDefinition } from './training.definition';
import { TrainingService } from './training.service';

@Module({
  imports: [JobsModule, KeysModule, ModelsModule],
  controllers: [TrainingController],
  providers: [TrainingDefinition, TrainingService],
})
export class TrainingModule {}
