import { Controller, Headers, Param, Post, Req, Res, UseGuards } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { FINE_TUNE_KIND, LORA_FINE_TUNE_KIND } from '@easel/contracts';
import { JobSubmissionService } from '../jobs/job-submission.service';
import { ApiKeyGuard, type AuthenticatedRequest } from '../keys/api-key.guard';
import { TrainingService } from './training.service';

/** The v3 training endpoints: start (DreamBooth, LoRA), status, cancel (both spellings), delete. */
@Controller('api/v3')
@UseGuards(ApiKeyGuard)
export class TrainingController {
  constructor(
    private readonly jobs: JobSubmissionService,
    private readonly trainings: TrainingService,
  ) {}

  @Post('fine_tune')
  fineTune(@Req() req: AuthenticatedRequest, @Headers('idempotency-key') idem: string | undefined, @Res() reply: FastifyReply) {
    return this.start(FINE_TUNE_KIND, req, idem, reply);
  }

  @Post('lora_fine_tune')
  loraFineTune(@Req() req: AuthenticatedRequest, @Headers('idempotency-key') idem: string | undefined, @Res() reply: FastifyReply) {
    return this.start(LORA_FINE_TUNE_KIND, req, idem, reply);
  }

  @Post(['fine_tune_status/:id', 'fine_tune_status'])
  status(@Req() req: AuthenticatedRequest, @Param('id') id: string | undefined, @Res() reply: FastifyReply) {
    return this.trainings.status(req.principal, id, req.body).then((r) => reply.status(r.httpStatus).send(r.body));
  }

  @Post(['cancel_training/:id', 'cancle_training/:id', 'cancel_training', 'cancle_training'])
  cancel(@Req() req: AuthenticatedRequest, @Param('id') id: string | undefined) {
    return this.trainings.cancel(req.principal, id, req.body);
  }

  @Post(['delete_training/:id', 'delete_training'])
  delete(@Req() req: AuthenticatedRequest, @Param('id') id: string | undefined) {
    return this.trainings.delete(req.principal, id, req.body);
  }

  private start(kind: string, req: AuthenticatedRequest, idem: string | undefined, reply: FastifyReply) {
    // A training never ends within a sync window: answer at once with its id.
    return this.jobs
      .submit(req.principal, kind, req.body, { idempotencyKey: idem ?? null, syncWindowMs: 0 })
      .then((r) => reply.status(r.httpStatus).send(r.body));
  }
}
