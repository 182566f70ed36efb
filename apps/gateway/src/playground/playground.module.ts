import { Module } from '@nestjs/common';
import { PlaygroundController } from './playground.controller';
import { PlaygroundFilesService } from './playground-files.service';

@Module({ controllers: [PlaygroundController], providers: [PlaygroundFilesService] })
export class PlaygroundModule {}
