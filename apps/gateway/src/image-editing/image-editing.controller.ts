import { Headers, Controller, Param, Post, Req, Res, UseGuards } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { REMOVE_BACKGROUND_KIND, SUPER_RESOLUTION_KIND } from '@easel/contracts';
import { ApiKeyGuard, type AuthenticatedRequest } from '../keys/api-key.guard';
import { JobSubmissionService } from '../jobs/job-submission.service';

/** The v6 image_editing family and its v3 aliases (super_resolution, removebg_mask). */
@Controller()
@UseGuards(ApiKeyGuard)
export class ImageEditingController {
  constructor(private readonly jobs: JobSubmissionService) {}

  @Post(['api/v6/image_editing/super_resolution', 'api/v3/super_resolution'])
  superResolutionJob(@Req() req: AuthenticatedRequest, @Headers('idempotency-key') idem: string | undefined, @Res() reply: FastifyReply) {
    return this.jobs.submit(req.principal, SUPER_RESOLUTION_KIND, req.body, { idempotencyKey: idem ?? null }).then((r) => reply.status(r.httpStatus).send(r.body));
  }

  @Post(['api/v6/image_editing/removebg_mask', 'api/v3/removebg_mask'])
  removeBackgroundJob(
    @Req() req: AuthenticatedRequest,
    @Headers('idempotency-key') idem: string | undefined,
    @Res() reply: FastifyReply,
  ) {
    return this.jobs
      .submit(req.principal, REMOVE_BACKGROUND_KIND, req.body, { idempotencyKey: idem ?? null })
      .then((r) => reply.status(r.httpStatus).send(r.body));
  }

  @Post('api/v6/image_editing/fetch/:id')
  fetch(@Req() req: AuthenticatedRequest, @Param('id') id: string | undefined, @Res() reply: FastifyReply) {
    return this.jobs.fetch(req.principal, id, req.body).then((r) => reply.status(r.httpStatus).send(r.body));
  }
}
