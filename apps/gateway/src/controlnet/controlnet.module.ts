import { Module } from '@nestjs/common';
import { JobsModule } from '../jobs/jobs.module';
import { KeysModule } from '../keys/keys.module';
import { ControlNetController } from './controlnet.controller';
import { ControlNetDefinition } from './controlnet.definition';

@Module({
  imports: [JobsModule, KeysModule],
  controllers: [ControlNetController],
  providers: [ControlNetDefinition],
})
export class ControlNetModule {}
