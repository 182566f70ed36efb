import { Controller, Get, Param, Req, Res, UseGuards } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { QueryKeyGuard, type KeyedGetRequest } from '../keys/query-key.guard';
import { JobEventStreamService } from './job-event-stream.service';
import { openSse } from './sse-sink';

/** Easel's addition: a job's progress as server-sent events, for browsers (EventSource) and scripts. */
@Controller()
@UseGuards(QueryKeyGuard)
export class JobEventsController {
  constructor(private readonly streams: JobEventStreamService) {}

  @Get('api/v3/jobs/:id/events')
  events(@Req() req: KeyedGetRequest, @Param('id') id: string, @Res() reply: FastifyReply): Promise<void> {
    return this.streams.stream(req.principal.tenantId, id, () => openSse(reply));
  }
}
