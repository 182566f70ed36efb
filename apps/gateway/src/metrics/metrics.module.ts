import { Module, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance } from 'fastify';
import { JobsModule } from '../jobs/jobs.module';
import { OpenApiModule } from '../openapi/openapi.module';
import { RouteCatalog } from '../openapi/route-catalog';
import { MetricsController } from './metrics.controller';
import { MetricsService } from './metrics.service';

/** Label for requests that matched no route (404s of arbitrary URLs must not create label values). */
export const UNMATCHED_ROUTE = 'unmatched';

/** GET /metrics, and a Fastify onResponse hook that counts every answered request by its route pattern. */
@Module({
  imports: [OpenApiModule, JobsModule],
  controllers: [MetricsController],
  providers: [MetricsService],
  exports: [MetricsService],
})
export class MetricsModule implements OnModuleInit {
  constructor(
    private readonly adapterHost: HttpAdapterHost,
    private readonly metrics: MetricsService,
    private readonly catalog: RouteCatalog,
  ) {}

  onModuleInit(): void {
    const fastify = this.adapterHost.httpAdapter?.getInstance<FastifyInstance>();
    if (!fastify) return;
    const submitting = new Set(
      this.catalog
        .routes()
        .filter((r) => r.doc?.submitsJob)
        .map((r) => `${r.method} ${r.path}`),
    );
    // Fastify builds each route's hook list when it becomes ready, so a hook added here covers every route.
    fastify.addHook('onResponse', (request, reply, done) => {
      const route = request.routeOptions.url ?? UNMATCHED_ROUTE;
      const status = reply.statusCode;
      this.metrics.observe(request.method, route, status, reply.elapsedTime / 1000);
      if ((status === 200 || status === 202) && submitting.has(`${request.method} ${route}`)) {
        this.metrics.jobsAccepted.inc({ route });
      }
      done();
    });
  }
}
