/**
 * The job id of a fetch request: the path id of `/api/v3/fetch/{id}` (and `/api/v3/dreambooth/fetch/{id}`),
 * else the body's `request_id` (`/api/v4/dreambooth/fetch`). Ids are numbers in the service, but
 * clients send them as strings too: `13443927`, `"13443927"`. A path id, when present, wins.
 */
import { coerceInteger, normalizeInput } from './coercion';
import type { FieldErrors, Parsed } from './field-reader';
import { messages } from './messages';

/** Job ids are positive integers that fit a JavaScript number exactly. */
function positiveId(value: unknown, field: string): Parsed<number> {
  const fail = (message: string): Parsed<number> => ({
    ok: false,
    errors: { [field]: [message] } as FieldErrors,
  });
  if (value === null) return fail(messages.required(field));
  const id = coerceInteger(value, field);
  if (!id.ok || id.value === null) return fail(id.ok ? messages.required(field) : id.error);
  if (id.value < 1) return fail(messages.atLeast(field, 1));
  if (id.value > Number.MAX_SAFE_INTEGER)
    return fail(messages.notGreaterThan(field, Number.MAX_SAFE_INTEGER));
  return { ok: true, value: id.value };
}

export function parseFetchId(pathId: string | undefined, body: Record<string, unknown>): Parsed<number> {
  const fromPath = normalizeInput(pathId);
  if (fromPath !== null) return positiveId(fromPath, 'id');
  const fromBody =
    body !== null && typeof body === 'object' && Object.hasOwn(body, 'request_id')
      ? normalizeInput(body.request_id)
      : null;
  return positiveId(fromBody, 'request_id');
}
