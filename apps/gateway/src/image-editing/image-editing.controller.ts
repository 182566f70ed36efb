import { Headers, Controller, Param, Post, Req, Res, UseGuards } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import {
  FACE_RESTORE_KIND,
  OBJECT_REMOVAL_KIND,
  OUTPAINT_KIND,
  REMOVE_BACKGROUND_KIND,
  SUPER_RESOLUTION_KIND,
} from '@easel/contracts';
import { ApiKeyGuard, type AuthenticatedRequest } from '../keys/api-key.guard';
import { JobSubmissionService } from '../jobs/job-submission.service';

/** The v6 image_editing family and its v3 aliases (super_resolution, removebg_mask, outpaint, object_removal, face_restore). */
@Controller()
@UseGuards(ApiKeyGuard)
export class ImageEditingController {
  constructor(private readonly jobs: JobSubmissionService) {}

  @Post(['api/v6/image_editing/super_resolution', 'api/v3/super_resolution'])
  superResolutionJob(
    @Req() req: AuthenticatedRequest,
    @Headers('idempotency-key') idem: string | undefined,
    @Res() reply: FastifyReply,
  ) {
    return this.jobs
      .submit(req.principal, SUPER_RESOLUTION_KIND, req.body, { idempotencyKey: idem ?? null })
      .then((r) => reply.status(r.httpStatus).send(r.body));
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

  /** A diffusion kind (it runs the UNet) at the family's path. */
  @Post(['api/v6/image_editing/outpaint', 'api/v3/outpaint'])
  outpaintJob(
    @Req() req: AuthenticatedRequest,
    @Headers('idempotency-key') idem: string | undefined,
    @Res() reply: FastifyReply,
  ) {
    return this.jobs
      .submit(req.principal, OUTPAINT_KIND, req.body, { idempotencyKey: idem ?? null })
      .then((r) => reply.status(r.httpStatus).send(r.body));
  }

  @Post(['api/v6/image_editing/object_removal', 'api/v3/object_removal'])
  objectRemovalJob(
    @Req() req: AuthenticatedRequest,
    @Headers('idempotency-key') idem: string | undefined,
    @Res() reply: FastifyReply,
  ) {
    return this.jobs
      .submit(req.principal, OBJECT_REMOVAL_KIND, req.body, { idempotencyKey: idem ?? null })
      .then((r) => reply.status(r.httpStatus).send(r.body));
  }

  @Post(['api/v6/image_editing/face_restore', 'api/v3/face_restore'])
  faceRestoreJob(
    @Req() req: AuthenticatedRequest,
    @Headers('idempotency-key') idem: string | undefined,
    @Res() reply: FastifyReply,
  ) {
    return this.jobs
      .submit(req.principal, FACE_RESTORE_KIND, req.body, { idempotencyKey: idem ?? null })
      .then((r) => reply.status(r.httpStatus).send(r.body));
  }

  @Post('api/v6/image_editing/fetch/:id')
  fetch(@Req() req: AuthenticatedRequest, @Param('id') id: string | undefined, @Res() reply: FastifyReply) {
    return this.jobs.fetch(req.principal, id, req.body).then((r) => reply.status(r.httpStatus).send(r.body));
  }
}
