import { resolve as resolvePath } from 'node:path';
import { CHAT_CONTEXT_OVERFLOW, LLM_CATEGORY, type ChatParams, type ChatReply } from '@easel/contracts';
import { ChatEngine, ContextOverflowError, type ChatEngineOptions } from '@easel/engine-chat';
import type { ModelCatalog } from '@easel/model-store';
import { ModelNotFoundError } from '../diffusion/diffusion-generation';
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
  private readonly engines = new Map<string, Promise<ChatEngine>>();
  private readonly modelIds = new Map<string, string>();

  constructor(private readonly options: ChatCompletionsOptions) {}

  /** Ids of the chat models in memory. */
  loadedModels(): string[] {
    return [...this.engines.keys()].map((location) => this.modelIds.get(location) ?? location);
  }

  /** `model_id` (or the default chat model) → its local GGUF file, for the tenant; throws ModelNotFoundError. */
  async resolveModel(tenantId: string, modelId: string | null): Promise<{ modelId: string; location: string }> {
    const id = modelId ?? this.options.defaultModel;
    const { catalog } = this.options;
    const model = await catalog.find(tenantId, id);
    if (!model) throw new ModelNotFoundError(id, 'model_id');
    if (model.category !== LLM_CATEGORY) throw new PermanentJobError(`${id} is a ${model.category} model, not a chat (llm) model.`, 'model_id');
    const location = resolvePath(catalog.materialize ? await catalog.materialize(model) : model.location);
    this.modelIds.set(location, id);
    return { modelId: id, location };
  }

  async complete(tenantId: string, params: ChatParams, hooks: ReplyHooks = {}): Promise<ChatReply> {
    const { modelId, location } = await this.resolveModel(tenantId, params.modelId);
    const engine = await this.engine(location);
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

  private engine(location: string): Promise<ChatEngine> {
    const cached = this.engines.get(location);
    if (cached) {
      this.engines.delete(location);
      this.engines.set(location, cached); // most recently used last
      return cached;
    }
    const loading = ChatEngine.load(location, this.options.engine);
    loading.catch(() => this.engines.delete(location)); // a failed load is tried again next time
    this.engines.set(location, loading);
    const max = this.options.maxLoaded ?? 2;
    for (const [old, engine] of this.engines) {
      if (this.engines.size <= max) break;
      this.engines.delete(old);
      void engine.then((e) => e.close()).catch(() => undefined);
    }
    return loading;
  }

  async close(): Promise<void> {
    const engines = [...this.engines.values()];
    this.engines.clear();
    await Promise.all(engines.map((e) => e.then((x) => x.close()).catch(() => undefined)));
  }
}
