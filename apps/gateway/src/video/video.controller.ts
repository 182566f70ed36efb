import { Controller, Headers, Param, Post, Req, Res, UseGuards } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { IMG2VIDEO_KIND, TEXT2VIDEO_KIND, type VideoKind } from '@easel/contracts';
import { JobSubmissionService } from '../jobs/job-submission.service';
import { ApiKeyGuard, type AuthenticatedRequest } from '../keys/api-key.guard';
import { readOneFlag } from '../common/request/read-one-flag';
import { VIDEO_FIELDS } from './video-fields';

/** POST /api/v6/video/text2video, /img2video and their fetch. */
@Controller('api/v6/video')
@UseGuards(ApiKeyGuard)
export class VideoController {
  constructor(private readonly jobs: JobSubmissionService) {}

  @Post('text2video')
  text2video(@Req() req: AuthenticatedRequest, @Headers('idempotency-key') idem: string | undefined, @Res() reply: FastifyReply) {
    return this.submit(req, TEXT2VIDEO_KIND, idem, reply);
  }

  @Post('img2video')
  img2video(@Req() req: AuthenticatedRequest, @Headers('idempotency-key') idem: string | undefined, @Res() reply: FastifyReply) {
    return this.submit(req, IMG2VIDEO_KIND, idem, reply);
  }

  @Post('fetch/:id')
  fetch(@Req() req: AuthenticatedRequest, @Param('id') id: string | undefined, @Res() reply: FastifyReply) {
    return this.jobs.fetch(req.principal, id, req.body).then((r) => reply.status(r.httpStatus).send(r.body));
  }

  private submit(req: AuthenticatedRequest, kind: VideoKind, idem: string | undefined, reply: FastifyReply) {
    // instant_response: yes answers `processing` at once
    const instant = readOneFlag(req.body, 'instant_response', VIDEO_FIELDS.instant_response);
    return this.jobs
      .submit(req.principal, kind, req.body, { idempotencyKey: idem ?? null, ...(instant ? { syncWindowMs: 0 } : {}) })
      .then((r) => reply.status(r.httpStatus).send(r.body));
  }
}
