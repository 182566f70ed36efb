import { Controller, Get, Headers, Inject, Post, Req, Res, UseGuards } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { CHAT_KIND, COMPLETION_KIND, LLM_CATEGORY, type ChatKind } from '@easel/contracts';
import type { ModelCatalog } from '@easel/model-store';
import type { AuthenticatedRequest } from '../keys/api-key.guard';
import { MODEL_CATALOG } from '../tokens';
import { BearerKeyGuard } from './bearer-key.guard';
import { ChatService } from './chat.service';

/**
 * The OpenAI-compatible chat routes (Easel's extra, so OpenAI client libraries work with a changed
 * base URL): /v1/… and the docs' /api/v6/… spellings, Bearer keys, OpenAI's bodies and errors.
 */
@Controller()
@UseGuards(BearerKeyGuard)
export class OpenAiController {
  constructor(
    private readonly chat: ChatService,
    @Inject(MODEL_CATALOG) private readonly catalog: ModelCatalog,
  ) {}

  @Post(['v1/chat/completions', 'api/v6/chat/completions'])
  chatCompletions(@Req() req: AuthenticatedRequest, @Headers('idempotency-key') idem: string | undefined, @Res() reply: FastifyReply) {
    return this.answer(CHAT_KIND, req, idem, reply);
  }

  @Post(['v1/completions', 'api/v6/completions'])
  completions(@Req() req: AuthenticatedRequest, @Headers('idempotency-key') idem: string | undefined, @Res() reply: FastifyReply) {
    return this.answer(COMPLETION_KIND, req, idem, reply);
  }

  /** The chat models this key may use, as OpenAI lists models. */
  @Get(['v1/models', 'api/v6/models'])
  async models(@Req() req: AuthenticatedRequest) {
    const models = (await this.catalog.list(req.principal.tenantId)).filter((m) => m.category === LLM_CATEGORY && m.status === 'ready');
    return { object: 'list', data: models.map((m) => ({ id: m.modelId, object: 'model', created: 0, owned_by: m.tenantId === null ? 'easel' : 'you' })) };
  }

  private answer(kind: ChatKind, req: AuthenticatedRequest, idem: string | undefined, reply: FastifyReply) {
    return this.chat.answer(req.principal, kind, req.body, 'openai', idem ?? null, reply);
  }
}
