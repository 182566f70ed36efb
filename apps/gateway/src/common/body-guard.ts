import { messages } from './request/messages';
import { ValidationError } from './api-errors';
import { isUnsafeText, printableName } from './safe-text';

/** Deeper than any request of the dialect needs (chat messages are 3 levels); bounds every walk over a body. */
export const MAX_JSON_DEPTH = 32;

/**
 * The checks every parsed body passes before any handler reads it, so that no field, known or
 * unknown, can reach PostgreSQL with text it refuses or a recursive walk with unbounded depth.
 * Walks without recursion (a body may be nested far deeper than the stack allows) and names the
 * top-level field at fault, as the dialect's validation errors do.
 */
export function checkJsonBody(body: unknown): ValidationError | null {
  if (body === null || typeof body !== 'object') return null;
  const pending: { value: unknown; depth: number; field: string }[] = [];
  for (const [key, value] of Object.entries(body)) {
    const field = Array.isArray(body) ? 'body' : printableName(key);
    if (isUnsafeText(key)) return fault(field, messages.unsafeText(field));
    pending.push({ value, depth: 1, field });
  }
  for (let next = pending.pop(); next; next = pending.pop()) {
    const { value, depth, field } = next;
    if (typeof value === 'string') {
      if (isUnsafeText(value)) return fault(field, messages.unsafeText(field));
      continue;
    }
    if (value === null || typeof value !== 'object') continue;
    if (depth > MAX_JSON_DEPTH) return fault(field, messages.tooDeep(field, MAX_JSON_DEPTH));
    for (const [key, item] of Object.entries(value)) {
      if (isUnsafeText(key)) return fault(field, messages.unsafeText(field));
      pending.push({ value: item, depth: depth + 1, field });
    }
  }
  return null;
}

function fault(field: string, message: string): ValidationError {
  return new ValidationError({ [field]: [message] });
}
