/**
 * The OpenAI shapes of a chat reply (Easel's extra routes, so that OpenAI client libraries work):
 * `chat.completion` / `text_completion` bodies and their streamed chunks (errors: common/openai-error).
 */
import { COMPLETION_KIND, type ChatKind } from '@easel/contracts';

export interface ReplySummary {
  jobId: number;
  model: string;
  created: number;
  text: string;
  finishReason: string;
  promptTokens: number;
  completionTokens: number;
  seed?: number;
}

const idOf = (kind: ChatKind, jobId: number) => `${kind === COMPLETION_KIND ? 'cmpl' : 'chatcmpl'}-${jobId}`;
/** OpenAI's finish reasons: a reply cut by its client never reaches a body, so stop and length suffice. */
const finish = (reason: string) => (reason === 'length' ? 'length' : 'stop');

/** The uncensored_chat success body → the OpenAI body of the same reply. */
export function summaryOf(body: Record<string, unknown>): ReplySummary {
  const meta = body.meta as { model_id: string; created: number; seed: number };
  const usage = body.usage as { prompt_tokens: number; completion_tokens: number };
  return {
    jobId: body.id as number,
    model: meta.model_id,
    created: meta.created,
    text: body.message as string,
    finishReason: body.finish_reason as string,
    promptTokens: usage.prompt_tokens,
    completionTokens: usage.completion_tokens,
    seed: meta.seed,
  };
}

export function completionBody(kind: ChatKind, r: ReplySummary): Record<string, unknown> {
  const usage = { prompt_tokens: r.promptTokens, completion_tokens: r.completionTokens, total_tokens: r.promptTokens + r.completionTokens };
  const common = { id: idOf(kind, r.jobId), created: r.created, model: r.model, system_fingerprint: `easel-seed-${r.seed ?? 0}`, usage };
  if (kind === COMPLETION_KIND)
    return { ...common, object: 'text_completion', choices: [{ index: 0, text: r.text, logprobs: null, finish_reason: finish(r.finishReason) }] };
  return {
    ...common,
    object: 'chat.completion',
    choices: [{ index: 0, message: { role: 'assistant', content: r.text, refusal: null }, logprobs: null, finish_reason: finish(r.finishReason) }],
  };
}

/** One streamed piece: `text` null with a finish reason for the last chunk of a chat (its delta is empty). */
export function chunkBody(
  kind: ChatKind,
  head: { jobId: number; model: string; created: number },
  piece: { text?: string; role?: boolean; finishReason?: string },
): Record<string, unknown> {
  const finishReason = piece.finishReason === undefined ? null : finish(piece.finishReason);
  const common = { id: idOf(kind, head.jobId), created: head.created, model: head.model };
  if (kind === COMPLETION_KIND)
    return { ...common, object: 'text_completion', choices: [{ index: 0, text: piece.text ?? '', logprobs: null, finish_reason: finishReason }] };
  const delta = { ...(piece.role ? { role: 'assistant' } : {}), ...(piece.text !== undefined ? { content: piece.text } : {}) };
  return { ...common, object: 'chat.completion.chunk', choices: [{ index: 0, delta, logprobs: null, finish_reason: finishReason }] };
}

/** The usage chunk OpenAI sends last when `stream_options.include_usage` is set. */
export function usageChunk(kind: ChatKind, r: ReplySummary): Record<string, unknown> {
  return {
    id: idOf(kind, r.jobId),
    object: kind === COMPLETION_KIND ? 'text_completion' : 'chat.completion.chunk',
    created: r.created,
    model: r.model,
    choices: [],
    usage: { prompt_tokens: r.promptTokens, completion_tokens: r.completionTokens, total_tokens: r.promptTokens + r.completionTokens },
  };
}
