import { Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { OpenApiController } from './openapi.controller';
import { RouteCatalog } from './route-catalog';

/** GET /openapi.json (generated from the registered routes) and GET /docs (Swagger UI). */
@Module({
  imports: [DiscoveryModule],
  controllers: [OpenApiController],
  providers: [RouteCatalog],
  exports: [RouteCatalog],
})
export class OpenApiModule {}
