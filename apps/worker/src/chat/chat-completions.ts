import { resolve as resolvePath } from 'node:path';
import { CHAT_CONTEXT_OVERFLOW, LLM_CATEGORY, type ChatParams, type ChatReply } from '@easel/contracts';
import { ChatEngine, ContextOverflowError, type ChatEngineOptions } from '@easel/engine-chat';
import type { ModelCatalog } from '@easel/model-store';
import { ModelNotFoundError } from '../diffusion/diffusion-generation';
import { LoadedModels } from '../loaded-models';
import { PermanentJobError } from '../service-handler';

export interface ChatCompletionsOptions {
  catalog: ModelCatalog;
  defaultModel: string;
  engine: ChatEngineOptions;
  /** Chat models kept loaded at once; the least recently used goes first. */
  maxLoaded?: number;
}

export interface ReplyHooks {
  signal?: AbortSignal;
  /** The reply's new text and how many tokens it has so far. */
  onText?: (text: string, tokens: number) => void;
}

/**
 * One reply, however it arrived (a bus job or a direct gRPC call): the tenant's llm model resolved
 * and loaded (kept for the next request), the messages run through it.
 */
export class ChatCompletions {
  private readonly engines: LoadedModels<ChatEngine>;

  constructor(private readonly options: ChatCompletionsOptions) {
    this.engines = new LoadedModels((location) => ChatEngine.load(location, options.engine), (engine) => engine.close(), options.maxLoaded ?? 2);
  }

  /** Ids of the chat models in memory. */
  loadedModels(): string[] {
    return this.engines.modelIds();
  }

  /** `model_id` (or the default chat model) → its local GGUF file, for the tenant; throws ModelNotFoundError. */
  async resolveModel(tenantId: string, modelId: string | null): Promise<{ modelId: string; location: string }> {
    const id = modelId ?? this.options.defaultModel;
    const { catalog } = this.options;
    const model = await catalog.find(tenantId, id);
    if (!model) throw new ModelNotFoundError(id, 'model_id');
    if (model.category !== LLM_CATEGORY) throw new PermanentJobError(`${id} is a ${model.category} model, not a chat (llm) model.`, 'model_id');
    const location = resolvePath(catalog.materialize ? await catalog.materialize(model) : model.location);
    this.engines.name(location, id);
    return { modelId: id, location };
  }

  async complete(tenantId: string, params: ChatParams, hooks: ReplyHooks = {}): Promise<ChatReply> {
    const { modelId, location } = await this.resolveModel(tenantId, params.modelId);
    const engine = await this.engines.get(location);
    let tokens = 0;
    try {
      const reply = await engine.complete(params.messages, {
        maxTokens: params.maxTokens,
        temperature: params.temperature,
        topP: params.topP,
        ...(params.seed === null ? {} : { seed: params.seed }),
        stop: params.stop,
        presencePenalty: params.presencePenalty,
        frequencyPenalty: params.frequencyPenalty,
        signal: hooks.signal,
        onText: (text, count) => {
          tokens = count;
          hooks.onText?.(text, tokens);
        },
      });
      return { ...reply, modelId };
    } catch (error) {
      if (error instanceof ContextOverflowError)
        throw new PermanentJobError(
          `${CHAT_CONTEXT_OVERFLOW}: they are ${error.promptTokens} tokens, it holds ${error.contextSize} with the reply. Shorten or drop messages.`,
          'messages',
          'context_overflow',
        );
      throw error;
    }
  }

  close(): Promise<void> {
    return this.engines.close();
  }
}
