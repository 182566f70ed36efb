/**
 * Tolerant scalar coercion for the dialect's request bodies.
 *
 * Clients of the Stable Diffusion API send numbers as strings (`"width": "512"`), booleans as
 * `"yes"`/`"no"` (or `true`/`false`, `"true"`/`"false"`, `1`/`0`, `"1"`/`"0"`) and `null` for
 * "unset". The public service is a Laravel application, whose default middleware trims every
 * string and turns `""` into `null`; `normalizeInput` does the same, so `"seed": ""` means
 * "no seed" and `"prompt": "  "` is a missing prompt.
 *
 * Each coercer takes an already-normalised value and the field's API name (for the message),
 * and answers `{ ok: true, value }` — `null` when the client left the field unset — or
 * `{ ok: false, error }` with the Laravel sentence. Nothing here applies defaults or ranges.
 */
import { isUnsafeText } from '../../common/safe-text';
import { messages } from './messages';

export type Coerced<T> = { ok: true; value: T } | { ok: false; error: string };

const ok = <T>(value: T): Coerced<T> => ({ ok: true, value });
const fail = <T>(error: string): Coerced<T> => ({ ok: false, error });

/** Trim strings and map `""` / `undefined` to `null` (Laravel's TrimStrings + ConvertEmptyStringsToNull). */
export function normalizeInput(value: unknown): unknown {
  if (value === undefined) return null;
  if (typeof value === 'string') {
    const trimmed = value.trim();
    return trimmed === '' ? null : trimmed;
  }
  return value;
}

/** A decimal number as PHP's is_numeric reads it: `12`, `-1.5`, `.5`, `5.`, `1e3`; no hex, no `Infinity`. */
const NUMERIC = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;

export function coerceNumber(value: unknown, field: string): Coerced<number | null> {
  if (value === null) return ok(null);
  if (typeof value === 'number') return Number.isFinite(value) ? ok(value) : fail(messages.number(field));
  if (typeof value === 'string' && NUMERIC.test(value)) {
    const parsed = Number(value);
    return Number.isFinite(parsed) ? ok(parsed) : fail(messages.number(field));
  }
  return fail(messages.number(field));
}

/** An integral number or numeric string (`"20"`, `20`, and also `"20.0"` / `2e1`, whose value is whole). */
export function coerceInteger(value: unknown, field: string): Coerced<number | null> {
  if (value === null) return ok(null);
  const asNumber = coerceNumber(value, field);
  if (!asNumber.ok || asNumber.value === null || !Number.isInteger(asNumber.value)) {
    return fail(messages.integer(field));
  }
  return ok(asNumber.value === 0 ? 0 : asNumber.value); // no -0
}

const TRUE_WORDS = new Set(['yes', 'true', '1']);
const FALSE_WORDS = new Set(['no', 'false', '0']);

/** yes/no, true/false, 1/0 — as JSON values or strings, any letter case. */
export function coerceBoolean(value: unknown, field: string): Coerced<boolean | null> {
  if (value === null) return ok(null);
  if (typeof value === 'boolean') return ok(value);
  if (value === 1 || value === 0) return ok(value === 1);
  if (typeof value === 'string') {
    const word = value.toLowerCase();
    if (TRUE_WORDS.has(word)) return ok(true);
    if (FALSE_WORDS.has(word)) return ok(false);
  }
  return fail(messages.boolean(field));
}

/** A string, trimmed; numbers, booleans, arrays and objects are refused, and so is text PostgreSQL cannot store. */
export function coerceString(value: unknown, field: string): Coerced<string | null> {
  if (value === null) return ok(null);
  if (typeof value !== 'string') return fail(messages.string(field));
  return isUnsafeText(value) ? fail(messages.unsafeText(field)) : ok(value);
}

/** Characters as Laravel's `max` counts them for strings (mb_strlen: code points, not UTF-16 units). */
export function characterCount(value: string): number {
  let count = 0;
  for (const _char of value) count++;
  return count;
}

/**
 * `"a, b,,c"` → `["a", "b", "c"]`; a JSON array of strings is accepted too. Unset → `[]`.
 * A number is read as a one-element list (ids such as `"lora_model": 123` exist).
 */
export function coerceStringList(value: unknown, field: string): Coerced<string[]> {
  if (value === null) return ok([]);
  let parts: unknown[];
  if (typeof value === 'string') parts = value.split(',');
  else if (typeof value === 'number' && Number.isFinite(value)) parts = [String(value)];
  else if (Array.isArray(value)) parts = value;
  else return fail(messages.list(field));
  const out: string[] = [];
  for (const part of parts) {
    if (typeof part === 'number' && Number.isFinite(part)) out.push(String(part));
    else if (typeof part === 'string') {
      if (isUnsafeText(part)) return fail(messages.unsafeText(field));
      const trimmed = part.trim();
      if (trimmed !== '') out.push(trimmed);
    } else return fail(messages.list(field));
  }
  return ok(out);
}

/** `"0.6, 0.8"`, `0.7`, `[0.6, "0.8"]` → numbers. Unset → `[]`. Any entry that is not a number fails. */
export function coerceNumberList(value: unknown, field: string): Coerced<number[]> {
  if (value === null) return ok([]);
  let parts: unknown[];
  if (typeof value === 'string') parts = value.split(',').map((part) => part.trim());
  else if (typeof value === 'number') parts = [value];
  else if (Array.isArray(value)) parts = value;
  else return fail(messages.numberList(field));
  const out: number[] = [];
  for (const part of parts) {
    if (typeof value === 'string' && part === '') continue; // "0.6,0.8," — as lists of ids allow
    const item = coerceNumber(normalizeInput(part), field);
    if (!item.ok || item.value === null) return fail(messages.numberList(field));
    out.push(item.value);
  }
  return ok(out);
}
