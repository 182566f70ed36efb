import { Module } from '@nestjs/common';
import { JobsModule } from '../jobs/jobs.module';
import { KeysModule } from '../keys/keys.module';
import { MeshController } from './mesh.controller';
import { MeshDefinition } from './mesh.definition';

@Module({
  imports: [JobsModule, KeysModule],
  controllers: [MeshController],
  providers: [MeshDefinition],
})
export class MeshModule {}
