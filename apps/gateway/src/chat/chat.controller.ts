import { Controller, Headers, Param, Post, Req, Res, UseGuards } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { CHAT_KIND } from '@easel/contracts';
import { JobSubmissionService } from '../jobs/job-submission.service';
import { ApiKeyGuard, type AuthenticatedRequest } from '../keys/api-key.guard';
import { ChatService } from './chat.service';

/** POST /api/v6/llm/uncensored_chat (the dialect's chat) and its fetch. */
@Controller('api/v6/llm')
@UseGuards(ApiKeyGuard)
export class ChatController {
  constructor(
    private readonly chat: ChatService,
    private readonly jobs: JobSubmissionService,
  ) {}

  @Post('uncensored_chat')
  uncensoredChat(@Req() req: AuthenticatedRequest, @Headers('idempotency-key') idem: string | undefined, @Res() reply: FastifyReply) {
    return this.chat.answer(req.principal, CHAT_KIND, req.body, 'dialect', idem ?? null, reply);
  }

  @Post(['fetch/:id', 'fetch'])
  fetch(@Req() req: AuthenticatedRequest, @Param('id') id: string | undefined, @Res() reply: FastifyReply) {
    return this.jobs.fetch(req.principal, id, req.body).then((r) => reply.status(r.httpStatus).send(r.body));
  }
}
