import { Module } from '@nestjs/common';
import { JobsModule } from '../jobs/jobs.module';
import { KeysModule } from '../keys/keys.module';
import { StoredVoicesController } from './stored-voices.controller';
import { StoredVoicesService } from './stored-voices.service';
import { VoiceController } from './voice.controller';
import { VoiceDefinition } from './voice.definition';

@Module({
  imports: [JobsModule, KeysModule],
  controllers: [VoiceController, StoredVoicesController],
  providers: [VoiceDefinition, StoredVoicesService],
})
export class VoiceModule {}
