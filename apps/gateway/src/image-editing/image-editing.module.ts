import { Module } from '@nestjs/common';
import { GenerationModule } from '../generation/generation.module';
import { KeysModule } from '../keys/keys.module';
import { ImageEditingController } from './image-editing.controller';
import { SuperResolutionService } from './super-resolution.service';

@Module({
  imports: [GenerationModule, KeysModule],
  controllers: [ImageEditingController],
  providers: [SuperResolutionService],
})
export class ImageEditingModule {}
