import { Body, Controller, Headers, Param, Post, Req, Res, UseGuards } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { ApiKeyGuard, type AuthenticatedRequest } from '../keys/api-key.guard';
import type { DialectResponse } from '../jobs/job-responses';
import { JobSubmissionService } from '../jobs/job-submission.service';

const send = (reply: FastifyReply, response: DialectResponse) => reply.status(response.httpStatus).send(response.body);

/** The v3 image endpoints, the v4 community-model ("dreambooth") family and their v3 aliases. */
@Controller()
@UseGuards(ApiKeyGuard)
export class GenerationController {
  constructor(private readonly jobs: JobSubmissionService) {}

  @Post('api/v3/text2img')
  text2img(@Req() req: AuthenticatedRequest, @Headers('idempotency-key') idem: string | undefined, @Res() reply: FastifyReply) {
    return this.jobs.submit(req.principal, 'text2img', req.body, { idempotencyKey: idem }).then((r) => send(reply, r));
  }

  @Post('api/v3/img2img')
  img2img(@Req() req: AuthenticatedRequest, @Headers('idempotency-key') idem: string | undefined, @Res() reply: FastifyReply) {
    return this.jobs.submit(req.principal, 'img2img', req.body, { idempotencyKey: idem }).then((r) => send(reply, r));
  }

  @Post(['api/v3/inpaint', 'api/v6/image_editing/inpaint'])
  inpaint(@Req() req: AuthenticatedRequest, @Headers('idempotency-key') idem: string | undefined, @Res() reply: FastifyReply) {
    return this.jobs.submit(req.principal, 'inpaint', req.body, { idempotencyKey: idem }).then((r) => send(reply, r));
  }

  @Post(['api/v4/dreambooth', 'api/v3/dreambooth'])
  dreamboothText2img(@Req() req: AuthenticatedRequest, @Headers('idempotency-key') idem: string | undefined, @Res() reply: FastifyReply) {
    return this.jobs.submit(req.principal, 'text2img', req.body, { idempotencyKey: idem, requireModelId: true }).then((r) => send(reply, r));
  }

  @Post(['api/v4/dreambooth/img2img', 'api/v3/dreambooth/img2img'])
  dreamboothImg2img(@Req() req: AuthenticatedRequest, @Headers('idempotency-key') idem: string | undefined, @Res() reply: FastifyReply) {
    return this.jobs.submit(req.principal, 'img2img', req.body, { idempotencyKey: idem, requireModelId: true }).then((r) => send(reply, r));
  }

  @Post(['api/v4/dreambooth/inpaint', 'api/v3/dreambooth/inpaint'])
  dreamboothInpaint(@Req() req: AuthenticatedRequest, @Headers('idempotency-key') idem: string | undefined, @Res() reply: FastifyReply) {
    return this.jobs.submit(req.principal, 'inpaint', req.body, { idempotencyKey: idem, requireModelId: true }).then((r) => send(reply, r));
  }

  @Post(['api/v3/fetch/:id', 'api/v3/dreambooth/fetch/:id', 'api/v4/dreambooth/fetch'])
  fetch(@Req() req: AuthenticatedRequest, @Param('id') id: string | undefined, @Body() _body: unknown, @Res() reply: FastifyReply) {
    return this.jobs.fetch(req.principal, id, req.body).then((r) => send(reply, r));
  }
}
