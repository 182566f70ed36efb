import { createHash } from 'node:crypto';
import { ValidationError } from '../common/api-errors';
import { MAX_JSON_DEPTH } from '../common/body-guard';
import { messages } from '../common/request/messages';

/**
 * JSON with object keys sorted at every depth, so equal bodies give equal text whatever their key order.
 * Nesting past MAX_JSON_DEPTH is refused with the validation error naming the top-level field,
 * never a stack overflow.
 */
export function canonicalJson(value: unknown): string {
  return canonical(value, 0, 'body');
}

function canonical(value: unknown, depth: number, field: string): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (depth > MAX_JSON_DEPTH)
    throw new ValidationError({ [field]: [messages.tooDeep(field, MAX_JSON_DEPTH)] });
  const fieldOf = (key: string) => (depth === 0 ? key : field);
  if (Array.isArray(value)) {
    return `[${value.map((item, index) => canonical(item ?? null, depth + 1, fieldOf(String(index)))).join(',')}]`;
  }
  const record = value as Record<string, unknown>;
  const entries = Object.keys(record)
    .sort()
    .filter((key) => record[key] !== undefined)
    .map((key) => `${JSON.stringify(key)}:${canonical(record[key], depth + 1, fieldOf(key))}`);
  return `{${entries.join(',')}}`;
}

/** A short fingerprint of a request body (sha-256 of its canonical JSON). */
export function bodyFingerprint(body: unknown): string {
  return createHash('sha256').update(canonicalJson(body)).digest('base64url');
}
