import { Module } from '@nestjs/common';
import { KeysModule } from '../keys/keys.module';
import { ModelsController } from './models.controller';
import { ModelsService } from './models.service';

@Module({ imports: [KeysModule], controllers: [ModelsController], providers: [ModelsService], exports: [ModelsService] })
export class ModelsModule {}
