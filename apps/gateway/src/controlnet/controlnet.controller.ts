import { Controller, Headers, Param, Post, Req, Res, UseGuards } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { CONTROLNET_KIND } from '@easel/contracts';
import { JobSubmissionService } from '../jobs/job-submission.service';
import { ApiKeyGuard, type AuthenticatedRequest } from '../keys/api-key.guard';

/** POST /api/v5/controlnet and its fetch. */
@Controller()
@UseGuards(ApiKeyGuard)
export class ControlNetController {
  constructor(private readonly jobs: JobSubmissionService) {}

  @Post('api/v5/controlnet')
  controlnet(@Req() req: AuthenticatedRequest, @Headers('idempotency-key') idem: string | undefined, @Res() reply: FastifyReply) {
    return this.jobs.submit(req.principal, CONTROLNET_KIND, req.body, { idempotencyKey: idem ?? null }).then((r) => reply.status(r.httpStatus).send(r.body));
  }

  @Post('api/v5/fetch/:id')
  fetch(@Req() req: AuthenticatedRequest, @Param('id') id: string | undefined, @Res() reply: FastifyReply) {
    return this.jobs.fetch(req.principal, id, req.body).then((r) => reply.status(r.httpStatus).send(r.body));
  }
}
