import { Controller, Get, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { ApiOperationDoc } from '../openapi/operation-doc';
import { MetricsService } from './metrics.service';

@Controller()
export class MetricsController {
  constructor(private readonly metrics: MetricsService) {}

  /** Prometheus text format; unauthenticated, as scrapers expect (expose it only where they run). */
  @Get('metrics')
  @ApiOperationDoc({
    summary: 'Prometheus metrics',
    description:
      "HTTP requests and latency by route pattern, jobs by state (read from the database on each scrape), queue depth, accepted jobs and the process's own metrics.",
    tags: ['operations'],
    request: { type: 'none' },
    success: [
      { status: 200, contentType: 'text/plain', description: 'Prometheus text exposition format 0.0.4.' },
    ],
  })
  async scrape(@Res() reply: FastifyReply) {
    const body = await this.metrics.metrics();
    return reply
      .header('content-type', this.metrics.registry.contentType)
      .header('cache-control', 'no-store')
      .send(body);
  }
}
