/**
 * The bodies of POST /api/v6/llm/uncensored_chat and of the OpenAI-shaped chat routes
 * (/v1/chat/completions, /v1/completions and their /api/v6 twins): the conversation (or a bare
 * prompt), how long and how random the reply may be, where it ends. Read with the dialect's
 * tolerance (numbers as strings, null for unset); the parser and /openapi.json share this table.
 */
import { CHAT_KIND, CHAT_LIMITS, CHAT_ROLES, COMPLETION_KIND, type ChatRole } from '@easel/contracts';
import { characterCount } from '../common/request/coercion';
import { COMMON_LIMITS, type FieldReader } from '../common/request/field-reader';
import { field } from '../common/request/fields';
import { messages } from '../common/request/messages';
import { RequestSchema } from '../common/request/request-schema';
import { readSeed } from '../generation/request/generation-readers';
import { GENERATION_LIMITS } from '../generation/request/generation-limits';

const L = CHAT_LIMITS;
export type ChatMessageValue = { role: ChatRole; content: string };

/** `messages`: an array of {role, content}; content may also be OpenAI's array of text parts. */
function readMessages(fields: FieldReader, name: string): ChatMessageValue[] {
  const raw = fields.get(name);
  if (raw === undefined || raw === null) {
    fields.fail(name, messages.required(name));
    return [];
  }
  if (!Array.isArray(raw)) {
    fields.fail(name, `The ${name} field must be an array of {role, content} objects.`);
    return [];
  }
  if (raw.length < L.messages.min) fields.fail(name, messages.minItems(name, L.messages.min));
  if (raw.length > L.messages.max) fields.fail(name, messages.maxItems(name, L.messages.max));
  const out: ChatMessageValue[] = [];
  raw.forEach((item: unknown, i) => {
    const at = `The ${name} item ${i + 1}`;
    if (item === null || typeof item !== 'object' || Array.isArray(item)) return fields.fail(name, `${at} must be an object with a role and a content.`);
    const { role, content } = item as { role?: unknown; content?: unknown };
    if (typeof role !== 'string' || !(CHAT_ROLES as readonly string[]).includes(role))
      return fields.fail(name, `${at} has an invalid role. Allowed: ${CHAT_ROLES.join(', ')}.`);
    const text = contentText(content);
    if (text === null) return fields.fail(name, `${at} must have a content: a string (or an array of text parts).`);
    if (characterCount(text) > L.content) return fields.fail(name, `${at} must not be greater than ${L.content} characters.`);
    out.push({ role: role as ChatRole, content: text });
  });
  if (out.length > 0 && out[out.length - 1].role === 'assistant' && !fields.hasErrors(name))
    fields.fail(name, `The last of the ${name} must be from the user or the system: the reply is the assistant's.`);
  return out;
}

/** A message's content: a string, or OpenAI's [{type: "text", text}] parts joined. */
function contentText(content: unknown): string | null {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return null;
  const parts = content.map((p: unknown) => (p && typeof p === 'object' && (p as { type?: unknown }).type === 'text' ? (p as { text?: unknown }).text : undefined));
  return parts.every((t): t is string => typeof t === 'string') ? parts.join('') : null;
}

/** `stop`: one string or an array of at most 4, each at most 64 characters. */
function readStop(fields: FieldReader, name: string): string[] {
  const raw = fields.get(name);
  if (raw === undefined || raw === null || raw === '') return [];
  const list = typeof raw === 'string' ? [raw] : raw;
  if (!Array.isArray(list) || !list.every((s) => typeof s === 'string')) {
    fields.fail(name, `The ${name} field must be a string or an array of strings.`);
    return [];
  }
  if (list.length > L.stop.max) fields.fail(name, messages.maxItems(name, L.stop.max));
  if (list.some((s) => characterCount(s) > L.stop.length)) fields.fail(name, messages.maxCharacters(name, L.stop.length));
  return list.filter((s) => s.length > 0);
}

/** `prompt` of /v1/completions: a string (or an array of one string, as OpenAI clients may send). */
function readPrompt(fields: FieldReader, name: string): string | null {
  const raw = fields.get(name);
  const value = Array.isArray(raw) && raw.length === 1 ? raw[0] : raw;
  if (value === undefined || value === null || value === '') {
    fields.fail(name, messages.required(name));
    return null;
  }
  if (typeof value !== 'string') {
    fields.fail(name, messages.string(name));
    return null;
  }
  if (characterCount(value) > L.content) fields.fail(name, messages.maxCharacters(name, L.content));
  return value;
}

const penalty = (what: string) =>
  field.number(L.penalty, { default: 0, description: `${what} (−2 to 2; 0: none).` });

export const CHAT_FIELDS = {
  key: field.key(),
  messages: field.custom(
    {
      type: 'array',
      minItems: L.messages.min,
      maxItems: L.messages.max,
      items: {
        type: 'object',
        required: ['role', 'content'],
        properties: { role: { type: 'string', enum: [...CHAT_ROLES] }, content: { type: 'string', maxLength: L.content } },
      },
      description: 'The conversation so far, oldest first: a `system` message (optional) sets how the assistant answers; `user` and `assistant` turns follow; the last is the user\'s. Required.',
    },
    readMessages,
    { required: [CHAT_KIND], kinds: [CHAT_KIND] },
  ),
  prompt: field.custom(
    { type: 'string', maxLength: L.content, description: 'The text to continue (/v1/completions). Required there.' },
    readPrompt,
    { required: [COMPLETION_KIND], kinds: [COMPLETION_KIND] },
  ),
  model_id: field.text({
    maxLength: COMMON_LIMITS.maxIdCharacters,
    description: "The chat model (category llm, see /api/v4/dreambooth/model_list; `model` is the OpenAI spelling). Unset: the deployment's default chat model.",
  }),
  model: field.text({ maxLength: COMMON_LIMITS.maxIdCharacters, description: 'The OpenAI spelling of model_id.' }),
  max_tokens: field.integer(L.maxTokens, { default: 512, description: 'The most tokens the reply may have (fewer when the context has less room left).' }),
  max_completion_tokens: field.integer(L.maxTokens, { default: null, description: 'OpenAI\'s newer name for max_tokens; wins when both are set.' }),
  temperature: field.number(L.temperature, { default: 0.7, description: 'Randomness: 0 always takes the likeliest token (the same reply every time), higher spreads the choice.' }),
  top_p: field.number(L.topP, { default: 1, description: 'Nucleus sampling: only the likeliest tokens whose probabilities sum to top_p are drawn from.' }),
  presence_penalty: penalty('Lowers the chance of any token the reply already has'),
  frequency_penalty: penalty('Lowers a token\'s chance by how often the reply already has it'),
  seed: field.custom(
    field.integer(GENERATION_LIMITS.seed, { default: null, description: 'The same seed, model and request give the same reply (temperature > 0 too). Unset, null or -1: random, reported in meta.' }).schema,
    (fields) => readSeed(fields),
  ),
  stop: field.custom(
    { anyOf: [{ type: 'string', maxLength: L.stop.length }, { type: 'array', maxItems: L.stop.max, items: { type: 'string', maxLength: L.stop.length } }, { type: 'null' }], description: `Up to ${L.stop.max} sequences; the reply ends before the first one (which it does not include).` },
    readStop,
  ),
  n: field.integer({ min: 1, max: 1 }, { default: 1, description: 'Replies per request (OpenAI\'s `n`): 1; ask again with another seed for more.' }),
  stream: field.flag({ default: false, description: 'yes: the reply comes as server-sent events while it is generated (uncensored_chat: `token` events, then `end` with the whole answer; OpenAI routes: `chat.completion.chunk`s, then `[DONE]`).' }),
  webhook: field.webhook(),
  track_id: field.trackId(),
};

export const CHAT_REQUEST = new RequestSchema(
  CHAT_FIELDS,
  'A chat reply from a GGUF model run by llama.cpp. Priced per token (prompt and reply): the most the request can use is held, the rest released when it ends.',
);
