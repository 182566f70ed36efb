import { Module } from '@nestjs/common';
import { ApiKeyGuard } from './api-key.guard';
import { ApiKeysService } from './api-keys.service';
import { QueryKeyGuard } from './query-key.guard';

@Module({
  providers: [ApiKeysService, ApiKeyGuard, QueryKeyGuard],
  exports: [ApiKeysService, ApiKeyGuard, QueryKeyGuard],
})
export class KeysModule {}
