import { Controller, Headers, Param, Post, Req, Res, UseGuards } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { TEXT_TO_AUDIO_KIND, TEXT_TO_SPEECH_KIND, VOICE_TO_VOICE_KIND, type VoiceKind } from '@easel/contracts';
import { readOneFlag } from '../common/request/read-one-flag';
import { JobSubmissionService } from '../jobs/job-submission.service';
import { ApiKeyGuard, type AuthenticatedRequest } from '../keys/api-key.guard';
import { VOICE_FIELDS } from './voice-fields';

/** POST /api/v6/voice/text_to_audio, /text_to_speech, /voice_to_voice and their fetch. */
@Controller('api/v6/voice')
@UseGuards(ApiKeyGuard)
export class VoiceController {
  constructor(private readonly jobs: JobSubmissionService) {}

  @Post('text_to_audio')
  textToAudio(@Req() req: AuthenticatedRequest, @Headers('idempotency-key') idem: string | undefined, @Res() reply: FastifyReply) {
    return this.submit(req, TEXT_TO_AUDIO_KIND, idem, reply);
  }

  @Post('text_to_speech')
  textToSpeech(@Req() req: AuthenticatedRequest, @Headers('idempotency-key') idem: string | undefined, @Res() reply: FastifyReply) {
    return this.submit(req, TEXT_TO_SPEECH_KIND, idem, reply);
  }

  @Post('voice_to_voice')
  voiceToVoice(@Req() req: AuthenticatedRequest, @Headers('idempotency-key') idem: string | undefined, @Res() reply: FastifyReply) {
    return this.submit(req, VOICE_TO_VOICE_KIND, idem, reply);
  }

  @Post('fetch/:id')
  fetch(@Req() req: AuthenticatedRequest, @Param('id') id: string | undefined, @Res() reply: FastifyReply) {
    return this.jobs.fetch(req.principal, id, req.body).then((r) => reply.status(r.httpStatus).send(r.body));
  }

  private submit(req: AuthenticatedRequest, kind: VoiceKind, idem: string | undefined, reply: FastifyReply) {
    const instant = readOneFlag(req.body, 'instant_response', VOICE_FIELDS.instant_response);
    return this.jobs
      .submit(req.principal, kind, req.body, { idempotencyKey: idem ?? null, ...(instant ? { syncWindowMs: 0 } : {}) })
      .then((r) => reply.status(r.httpStatus).send(r.body));
  }
}
