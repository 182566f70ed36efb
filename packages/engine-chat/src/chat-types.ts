export type ChatRole = 'system' | 'user' | 'assistant';

export interface ChatMessage {
  role: ChatRole;
  content: string;
}

export interface ChatOptions {
  /** The most tokens the reply may have (fewer when the context has less room left). */
  maxTokens: number;
  /** 0: always the likeliest token (greedy). */
  temperature: number;
  topP: number;
  /** Same seed, model, messages and options: the same reply. Unset: a random seed, reported back. */
  seed?: number;
  /** The reply ends before the first of these (which is not part of it). */
  stop?: readonly string[];
  presencePenalty?: number;
  frequencyPenalty?: number;
  /** Aborting ends the reply where it is (finishReason `cancelled`) and frees its sequence. */
  signal?: AbortSignal;
  /** Each new piece of the reply's text as it is generated, and the reply's tokens so far. */
  onText?: (text: string, tokens: number) => void;
}

/** Why the reply ended: the model ended it or a stop sequence came (`stop`), max_tokens (`length`), or the caller left. */
export type FinishReason = 'stop' | 'length' | 'cancelled';

export interface ChatResult {
  text: string;
  finishReason: FinishReason;
  promptTokens: number;
  completionTokens: number;
  seed: number;
  /** Seconds from the call to its first token, and to its end. */
  firstTokenSeconds: number;
  seconds: number;
}
