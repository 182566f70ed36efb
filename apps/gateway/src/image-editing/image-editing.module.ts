import { Module } from '@nestjs/common';
import { JobsModule } from '../jobs/jobs.module';
import { KeysModule } from '../keys/keys.module';
import { ImageEditingController } from './image-editing.controller';
import { ImageEditingDefinition } from './image-editing.definition';
import { OutpaintDefinition } from './outpaint.definition';
import { SuperResolutionDefinition } from './super-resolution.definition';

@Module({
  imports: [JobsModule, KeysModule],
  controllers: [ImageEditingController],
  providers: [SuperResolutionDefinition, ImageEditingDefinition, OutpaintDefinition],
})
export class ImageEditingModule {}
