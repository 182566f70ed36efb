import { Headers, Controller, Param, Post, Req, Res, UseGuards } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { ApiKeyGuard, type AuthenticatedRequest } from '../keys/api-key.guard';
import { GenerationService } from '../generation/generation.service';
import { SuperResolutionService } from './super-resolution.service';

/** The v6 image_editing family and its v3 aliases (super_resolution so far). */
@Controller()
@UseGuards(ApiKeyGuard)
export class ImageEditingController {
  constructor(
    private readonly superResolution: SuperResolutionService,
    private readonly generation: GenerationService,
  ) {}

  @Post(['api/v6/image_editing/super_resolution', 'api/v3/super_resolution'])
  superResolutionJob(@Req() req: AuthenticatedRequest, @Headers('idempotency-key') idem: string | undefined, @Res() reply: FastifyReply) {
    return this.superResolution.submit(req.principal, req.body, idem ?? null).then((r) => reply.status(r.httpStatus).send(r.body));
  }

  @Post('api/v6/image_editing/fetch/:id')
  fetch(@Req() req: AuthenticatedRequest, @Param('id') id: string | undefined, @Res() reply: FastifyReply) {
    return this.generation.fetch(req.principal, id, req.body).then((r) => reply.status(r.httpStatus).send(r.body));
  }
}
