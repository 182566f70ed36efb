import { Module } from '@nestjs/common';
import { KeysModule } from '../keys/keys.module';
import { ModelsController } from './models.controller';

@Module({ imports: [KeysModule], controllers: [ModelsController] })
export class ModelsModule {}
