import { Inject, Injectable } from '@nestjs/common';
import type { EaselConfig } from '@easel/config';
import { CHAT_KINDS, CHAT_SERVICE, LLM_CATEGORY, type ChatKind, type ChatParams } from '@easel/contracts';
import type { ModelCatalog } from '@easel/model-store';
import { ModelNotFoundError, ValidationError } from '../common/api-errors';
import type { Schema } from '../common/request/json-schema';
import type { DialectResponse, JobWithArtifacts } from '../jobs/job-responses';
import { DefinesService, type PreparedJob, type ServiceDefinition } from '../jobs/service-definition';
import type { Principal } from '../keys/principal';
import { CONFIG, MODEL_CATALOG } from '../tokens';
import { CHAT_REQUEST } from './chat-fields';
import { CHAT_PRICING, chatHold } from './chat-pricing';
import { parseChatRequest } from './chat-request';
import { CHAT_FETCH_PATH, chatBody } from './chat-view';

/** The chat routes (uncensored_chat and the OpenAI-shaped ones) on the chat service. */
@Injectable()
@DefinesService()
export class ChatDefinition implements ServiceDefinition {
  readonly service = CHAT_SERVICE;
  readonly kinds = CHAT_KINDS;
  readonly fetchPath = CHAT_FETCH_PATH;
  readonly pricing = CHAT_PRICING;

  constructor(
    @Inject(CONFIG) private readonly config: EaselConfig,
    @Inject(MODEL_CATALOG) private readonly catalog: ModelCatalog,
  ) {}

  async prepare(principal: Principal, kind: string, body: Record<string, unknown>): Promise<PreparedJob> {
    const parsed = parseChatRequest(kind as ChatKind, body);
    if (!parsed.ok) throw new ValidationError(parsed.errors);
    const { webhook, trackId, stream: _stream, ...request } = parsed.value;
    const modelId = request.modelId ?? this.config.EASEL_DEFAULT_CHAT_MODEL;
    const model = await this.catalog.find(principal.tenantId, modelId);
    // As for any model this key may not use: the dialect's "Model id not found" (an image model is not a chat model).
    if (!model || model.category !== LLM_CATEGORY) throw new ModelNotFoundError();
    const params: ChatParams = { ...request, modelId };
    return {
      kind,
      modelId,
      params: params as unknown as Record<string, unknown>,
      outputs: 0,
      extension: 'txt',
      price: chatHold(params),
      trackId,
      webhook,
    };
  }

  successMeta(): Record<string, unknown> {
    return {};
  }

  render(job: JobWithArtifacts, context: { publicUrl: string; eta: number }): DialectResponse {
    return chatBody(job, context.publicUrl, context.eta);
  }

  requestSchema(kind: string): Schema {
    return CHAT_REQUEST.jsonSchema(kind);
  }
}
