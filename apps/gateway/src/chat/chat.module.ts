import { Module } from '@nestjs/common';
import { JobsModule } from '../jobs/jobs.module';
import { KeysModule } from '../keys/keys.module';
import { ModelsModule } from '../models/models.module';
import { BearerKeyGuard } from './bearer-key.guard';
import { ChatController } from './chat.controller';
import { ChatDefinition } from './chat.definition';
import { ChatService } from './chat.service';
import { OpenAiController } from './openai.controller';

@Module({
  imports: [JobsModule, KeysModule, ModelsModule],
  controllers: [ChatController, OpenAiController],
  providers: [ChatDefinition, ChatService, BearerKeyGuard],
})
export class ChatModule {}
