import { Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { JobsModule } from '../jobs/jobs.module';
import { OpenApiController } from './openapi.controller';
import { RouteCatalog } from './route-catalog';

/** GET /openapi.json (generated from the registered routes) and GET /docs (Swagger UI). */
@Module({
  imports: [DiscoveryModule, JobsModule],
  controllers: [OpenApiController],
  providers: [RouteCatalog],
  exports: [RouteCatalog],
})
export class OpenApiModule {}
