import { Controller, Headers, Param, Post, Req, Res, UseGuards } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { IMAGE_TO_3D_KIND, TEXT_TO_3D_KIND, type MeshKind } from '@easel/contracts';
import { readOneFlag } from '../common/request/read-one-flag';
import { JobSubmissionService } from '../jobs/job-submission.service';
import { ApiKeyGuard, type AuthenticatedRequest } from '../keys/api-key.guard';
import { MESH_FIELDS } from './mesh-fields';

/** POST /api/v6/3d/text_to_3d, /image_to_3d and their fetch. */
@Controller('api/v6/3d')
@UseGuards(ApiKeyGuard)
export class MeshController {
  constructor(private readonly jobs: JobSubmissionService) {}

  @Post('text_to_3d')
  textTo3d(@Req() req: AuthenticatedRequest, @Headers('idempotency-key') idem: string | undefined, @Res() reply: FastifyReply) {
    return this.submit(req, TEXT_TO_3D_KIND, idem, reply);
  }

  @Post('image_to_3d')
  imageTo3d(@Req() req: AuthenticatedRequest, @Headers('idempotency-key') idem: string | undefined, @Res() reply: FastifyReply) {
    return this.submit(req, IMAGE_TO_3D_KIND, idem, reply);
  }

  @Post('fetch/:id')
  fetch(@Req() req: AuthenticatedRequest, @Param('id') id: string | undefined, @Res() reply: FastifyReply) {
    return this.jobs.fetch(req.principal, id, req.body).then((r) => reply.status(r.httpStatus).send(r.body));
  }

  private submit(req: AuthenticatedRequest, kind: MeshKind, idem: string | undefined, reply: FastifyReply) {
    const instant = readOneFlag(req.body, 'instant_response', MESH_FIELDS.instant_response);
    return this.jobs
      .submit(req.principal, kind, req.body, { idempotencyKey: idem ?? null, ...(instant ? { syncWindowMs: 0 } : {}) })
      .then((r) => reply.status(r.httpStatus).send(r.body));
  }
}
