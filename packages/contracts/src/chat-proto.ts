import { create } from '@bufbuild/protobuf';
import { CompleteRequestSchema, type CompleteRequest } from './gen/easel/chat/v1/chat_pb';
import { CHAT_KINDS, CHAT_LIMITS, CHAT_ROLES, CHAT_SERVICE, type ChatKind, type ChatParams, type ChatRole } from './chat';
import { MalformedMessageError } from './malformed-message';
import { defineServiceContract, type JobIdentity } from './service-contract';

export function toCompleteRequest(p: ChatParams, identity?: Pick<JobIdentity, 'tenantId'>): CompleteRequest {
  return create(CompleteRequestSchema, {
    kind: p.kind,
    modelId: p.modelId ?? undefined,
    messages: p.messages,
    maxTokens: p.maxTokens,
    temperature: p.temperature,
    topP: p.topP,
    seed: p.seed === null ? undefined : BigInt(p.seed),
    stop: p.stop,
    presencePenalty: p.presencePenalty,
    frequencyPenalty: p.frequencyPenalty,
    tenantId: identity?.tenantId ?? '',
  });
}

function within(value: number, range: { min: number; max: number }, name: string): number {
  if (!Number.isFinite(value) || value < range.min || value > range.max)
    throw new MalformedMessageError(`chat request has ${name} ${value} (${range.min}-${range.max})`);
  return value;
}

/** Throws MalformedMessageError for a request no model should run. */
export function fromCompleteRequest(m: CompleteRequest): ChatParams {
  if (!(CHAT_KINDS as readonly string[]).includes(m.kind)) throw new MalformedMessageError(`chat request has kind "${m.kind}"`);
  within(m.messages.length, CHAT_LIMITS.messages, 'messages');
  const messages = m.messages.map(({ role, content }) => {
    if (!(CHAT_ROLES as readonly string[]).includes(role)) throw new MalformedMessageError(`chat request has a message with role "${role}"`);
    if (content.length > CHAT_LIMITS.content) throw new MalformedMessageError(`chat request has a message of ${content.length} characters`);
    return { role: role as ChatRole, content };
  });
  if (m.stop.length > CHAT_LIMITS.stop.max) throw new MalformedMessageError(`chat request has ${m.stop.length} stop sequences`);
  return {
    kind: m.kind as ChatKind,
    modelId: m.modelId ?? null,
    messages,
    maxTokens: within(m.maxTokens, CHAT_LIMITS.maxTokens, 'max_tokens'),
    temperature: within(m.temperature, CHAT_LIMITS.temperature, 'temperature'),
    topP: within(m.topP, CHAT_LIMITS.topP, 'top_p'),
    seed: m.seed === undefined ? null : Number(m.seed),
    stop: [...m.stop],
    presencePenalty: within(m.presencePenalty, CHAT_LIMITS.penalty, 'presence_penalty'),
    frequencyPenalty: within(m.frequencyPenalty, CHAT_LIMITS.penalty, 'frequency_penalty'),
  };
}

/** The chat service on the bus. */
export const CHAT_CONTRACT = defineServiceContract({
  name: CHAT_SERVICE,
  kinds: CHAT_KINDS,
  requestCase: 'chat',
  protoFile: 'easel/chat/v1/chat.proto',
  toRequest: toCompleteRequest,
  fromRequest: fromCompleteRequest,
});
