/**
 * `chat` (/api/v6/llm/uncensored_chat, the OpenAI-shaped /v1/chat/completions and /v1/completions):
 * a service of its own (stream, pool, proto/easel/chat/v1) whose jobs are replies of a GGUF model
 * run by llama.cpp. The reply's text streams as the job's progress events.
 */
export const CHAT_SERVICE = 'chat';
export const CHAT_KIND = 'chat';
export const COMPLETION_KIND = 'completion';
export const CHAT_KINDS = [CHAT_KIND, COMPLETION_KIND] as const;
export type ChatKind = (typeof CHAT_KINDS)[number];
export const CHAT_ROLES = ['system', 'user', 'assistant'] as const;
export type ChatRole = (typeof CHAT_ROLES)[number];
/** The model category chat models are loaded under (load_model's model_category). */
export const LLM_CATEGORY = 'llm';

/**
 * Credits per token, prompt and reply alike. The gateway holds the most a request can use (its
 * prompt's characters, which are never fewer than its tokens, plus max_tokens); the worker settles
 * what the reply used and the rest goes back.
 */
export const CHAT_CREDITS_PER_TOKEN = 0.00002;

/** Credits for `tokens` tokens, rounded up to the ledger's 0.001. */
export const chatCredits = (tokens: number): number => Math.ceil(tokens * CHAT_CREDITS_PER_TOKEN * 1000 - 1e-9) / 1000;

/** How a failed reply's error begins when its messages alone fill the model's context (the gateway answers 422). */
export const CHAT_CONTEXT_OVERFLOW = "The messages do not fit in the model's context";

/** What the gateway accepts and the worker trusts (the same numbers on both sides). */
export const CHAT_LIMITS = {
  messages: { min: 1, max: 256 },
  /** Characters of one message's content. */
  content: 100_000,
  maxTokens: { min: 1, max: 4096 },
  temperature: { min: 0, max: 2 },
  topP: { min: 0, max: 1 },
  penalty: { min: -2, max: 2 },
  stop: { max: 4, length: 64 },
} as const;

export interface ChatParams {
  kind: ChatKind;
  /** The llm model; null: the deployment's default chat model. */
  modelId: string | null;
  messages: Array<{ role: ChatRole; content: string }>;
  maxTokens: number;
  temperature: number;
  topP: number;
  /** null: random (the result reports it). */
  seed: number | null;
  stop: string[];
  presencePenalty: number;
  frequencyPenalty: number;
}

/** A finished reply, as the job's result holds it. */
export interface ChatReply {
  text: string;
  finishReason: 'stop' | 'length' | 'cancelled';
  promptTokens: number;
  completionTokens: number;
  seed: number;
  firstTokenSeconds: number;
  seconds: number;
  modelId: string;
}
