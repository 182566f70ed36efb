/**
 * The body of a chat request → the reply's params (the model resolved later by the definition), or
 * every bad field as a Laravel-style error. Pure, like the other parsers.
 */
import { COMPLETION_KIND, type ChatKind, type ChatParams } from '@easel/contracts';
import type { Parsed } from '../common/request/field-reader';
import { CHAT_REQUEST } from './chat-fields';

export interface ChatRequest extends ChatParams {
  stream: boolean;
  webhook: string | null;
  trackId: string | number | null;
}

export function parseChatRequest(kind: ChatKind, body: Record<string, unknown>): Parsed<ChatRequest> {
  const { values: v, fields } = CHAT_REQUEST.read(body, kind);
  if (fields.hasErrors()) return { ok: false, errors: fields.errors };
  return {
    ok: true,
    value: {
      kind,
      modelId: v.model_id ?? v.model,
      // A bare prompt is the user's one message (the model's template still frames it).
      messages: kind === COMPLETION_KIND ? [{ role: 'user', content: v.prompt! }] : v.messages!,
      maxTokens: v.max_completion_tokens ?? v.max_tokens,
      temperature: v.temperature,
      topP: v.top_p,
      seed: v.seed,
      stop: v.stop,
      presencePenalty: v.presence_penalty,
      frequencyPenalty: v.frequency_penalty,
      stream: v.stream,
      webhook: v.webhook,
      trackId: v.track_id,
    },
  };
}
