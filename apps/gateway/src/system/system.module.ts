import { Module } from '@nestjs/common';
import { JobsModule } from '../jobs/jobs.module';
import { KeysModule } from '../keys/keys.module';
import { SystemController } from './system.controller';
import { SystemService } from './system.service';

@Module({ imports: [JobsModule, KeysModule], controllers: [SystemController], providers: [SystemService], exports: [SystemService] })
export class SystemModule {}
