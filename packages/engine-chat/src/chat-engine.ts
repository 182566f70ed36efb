import { randomInt } from 'node:crypto';
import type {
  ChatHistoryItem,
  ChatWrapper,
  Llama,
  LlamaContext,
  LlamaContextSequence,
  LlamaModel,
} from 'node-llama-cpp' with { 'resolution-mode': 'import' };
import { ChatModelLoadError, ContextOverflowError } from './chat-errors';
import type { ChatMessage, ChatOptions, ChatResult, FinishReason } from './chat-types';
import { loadLlamaCpp, type LlamaCpp } from './llama-cpp';
import { SequencePool } from './sequence-pool';

export interface ChatEngineOptions {
  /** Replies generated at once, each on its own context sequence. */
  sequences?: number;
  /** Tokens per sequence; unset: the model's training context, at most 4096. */
  contextSize?: number;
  /**
   * CPU threads for llama.cpp; unset: one fewer than the cores that do math (node-llama-cpp's
   * cpuMathCores), at least one, so the event loop that streams the tokens keeps a core. llama.cpp's
   * threads spin while they wait: on 2 cores, 2 threads decode easel-chat-tiny at 74 tokens/s and 1 at
   * 727 (bench/chat); node-llama-cpp's own default (maxThreads, 4 here) is slower still.
   */
  threads?: number;
}

/** The most a context may be unless asked: big models train on 128k, which a CPU box cannot hold per sequence. */
const DEFAULT_MAX_CONTEXT = 4096;

/**
 * One GGUF chat model in llama.cpp: its chat template (read from the file by node-llama-cpp),
 * a context with a sequence per concurrent reply, and `complete`, which lays the messages out in
 * the template, refuses what cannot fit, and generates with the request's sampling and stops.
 */
export class ChatEngine {
  private constructor(
    private readonly cpp: LlamaCpp,
    private readonly model: LlamaModel,
    private readonly context: LlamaContext,
    private readonly wrapper: ChatWrapper,
    private readonly pool: SequencePool<LlamaContextSequence>,
    readonly contextSize: number,
  ) {}

  static async load(path: string, options: ChatEngineOptions = {}): Promise<ChatEngine> {
    const cpp = await loadLlamaCpp();
    const llama: Llama = await cpp.llama();
    let model: LlamaModel;
    try {
      model = await llama.loadModel({ modelPath: path });
    } catch (error) {
      throw new ChatModelLoadError(path, error);
    }
    const sequences = Math.max(1, options.sequences ?? 1);
    const contextSize = options.contextSize ?? Math.min(model.trainContextSize, DEFAULT_MAX_CONTEXT);
    const context = await model.createContext({ contextSize, sequences, threads: options.threads || Math.max(1, llama.cpuMathCores - 1) });
    const wrapper = cpp.module.resolveChatWrapper(model) ?? new cpp.module.GeneralChatWrapper();
    const pool = new SequencePool(Array.from({ length: sequences }, () => context.getSequence()));
    return new ChatEngine(cpp, model, context, wrapper, pool, context.contextSize);
  }

  /** The chat template's name as node-llama-cpp resolved it ("ChatML", "Llama3", ...). */
  get template(): string {
    return this.wrapper.wrapperName;
  }

  /** Plain text → the model's token ids (no special tokens parsed). */
  tokenize(text: string): number[] {
    return Array.from(this.model.tokenize(text));
  }

  /** How many tokens the messages take, laid out in the model's template with the reply's opening. */
  promptTokens(messages: readonly ChatMessage[]): number {
    const { contextText } = this.wrapper.generateContextState({ chatHistory: toHistory(messages) });
    return contextText.tokenize(this.model.tokenizer).length;
  }

  async complete(messages: readonly ChatMessage[], options: ChatOptions): Promise<ChatResult> {
    const started = performance.now();
    const promptTokens = this.promptTokens(messages);
    if (promptTokens + 1 > this.contextSize) throw new ContextOverflowError(promptTokens, this.contextSize);
    const maxTokens = Math.min(options.maxTokens, this.contextSize - promptTokens);
    const seed = options.seed ?? randomInt(0, 2 ** 31);
    const sequence = await this.pool.take(options.signal);
    let firstToken = 0;
    let completionTokens = 0;
    const chat = new this.cpp.module.LlamaChat({ contextSequence: sequence, chatWrapper: this.wrapper });
    try {
      const { response, metadata } = await chat.generateResponse(toHistory(messages), {
        maxTokens,
        temperature: options.temperature,
        topP: options.topP,
        seed,
        signal: options.signal,
        stopOnAbortSignal: true,
        customStopTriggers: options.stop?.filter((s) => s.length > 0),
        repeatPenalty:
          options.presencePenalty || options.frequencyPenalty
            ? { presencePenalty: options.presencePenalty ?? 0, frequencyPenalty: options.frequencyPenalty ?? 0 }
            : false,
        onToken: (tokens) => {
          if (completionTokens === 0) firstToken = performance.now();
          completionTokens += tokens.length;
        },
        onTextChunk: (text) => options.onText?.(text, completionTokens),
      });
      return {
        text: response,
        finishReason: finishReason(metadata.stopReason, options.signal),
        promptTokens,
        completionTokens,
        seed,
        firstTokenSeconds: ((firstToken || performance.now()) - started) / 1000,
        seconds: (performance.now() - started) / 1000,
      };
    } finally {
      chat.dispose({ disposeSequence: false });
      await sequence.clearHistory();
      this.pool.give(sequence);
    }
  }

  async close(): Promise<void> {
    await this.context.dispose();
    await this.model.dispose();
  }
}

function finishReason(stop: string, signal?: AbortSignal): FinishReason {
  if (stop === 'maxTokens') return 'length';
  if (stop === 'abort' || signal?.aborted) return 'cancelled';
  return 'stop';
}

/** The API's messages → node-llama-cpp's history, ending with the (empty) reply to generate. */
function toHistory(messages: readonly ChatMessage[]): ChatHistoryItem[] {
  const history: ChatHistoryItem[] = messages.map((m) =>
    m.role === 'system'
      ? { type: 'system', text: m.content }
      : m.role === 'user'
        ? { type: 'user', text: m.content }
        : { type: 'model', response: [m.content] },
  );
  history.push({ type: 'model', response: [] });
  return history;
}
