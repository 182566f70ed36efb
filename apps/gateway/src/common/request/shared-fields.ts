/**
 * Fields every family reads the same way: images (URL or base64), the webhook, track_id and
 * output_format. Shapes only: images and webhooks are fetched elsewhere.
 */
import { characterCount, coerceString } from './coercion';
import { COMMON_LIMITS, type FieldReader } from './field-reader';
import { looksLikeImage } from './image-header';
import { checkImageSize } from './image-limits';
import { messages } from './messages';

function isHttpUrl(value: string): boolean {
  if (!/^https?:\/\//i.test(value)) return false;
  try {
    const url = new URL(value);
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.hostname !== '';
  } catch {
    return false;
  }
}

const DATA_URI = /^data:image\/[a-z0-9.+-]+;base64,([A-Za-z0-9+/_\-\s]+={0,2})$/i;
const BARE_BASE64 = /^[A-Za-z0-9+/_\-\r\n]+={0,2}$/;
/** Shorter than this cannot be an image (a 1×1 PNG is 68 bytes, 92 base64 characters). */
const MIN_BASE64_CHARACTERS = 16;

/** An http(s) URL, a `data:image/...;base64,` URI or bare base64 — judged by its shape only. */
export function isImageReference(value: string): boolean {
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(value))
    return value.length <= COMMON_LIMITS.maxUrlCharacters && isHttpUrl(value);
  const payload = DATA_URI.exec(value)?.[1] ?? (/^data:/i.test(value) ? null : value);
  if (payload === null) return false;
  const compact = payload.replace(/\s+/g, '');
  return compact.length >= MIN_BASE64_CHARACTERS && compact.length % 4 !== 1 && BARE_BASE64.test(compact);
}

export function readImage(fields: FieldReader, field: string): string | null {
  const value = fields.take(field, coerceString(fields.get(field), field));
  if (value === undefined) return null;
  if (value === null) {
    fields.fail(field, messages.required(field));
    return null;
  }
  if (!isImageReference(value) || !looksLikeImage(value)) fields.fail(field, messages.image(field));
  else checkImageSize(fields, field, value);
  return value;
}

export function readWebhook(fields: FieldReader): string | null {
  const value = fields.take('webhook', coerceString(fields.get('webhook'), 'webhook'));
  if (value === undefined || value === null) return null;
  if (value.length > COMMON_LIMITS.maxUrlCharacters)
    fields.fail('webhook', messages.maxCharacters('webhook', COMMON_LIMITS.maxUrlCharacters));
  else if (!isHttpUrl(value)) fields.fail('webhook', messages.url('webhook'));
  return value;
}

/** `track_id`: a string (≤ 255 characters) or a finite number, echoed back as it came. */
export function readTrackId(fields: FieldReader): string | number | null {
  const value = fields.get('track_id');
  if (value === null) return null;
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  if (typeof value === 'string') {
    if (characterCount(value) > COMMON_LIMITS.maxIdCharacters) {
      fields.fail('track_id', messages.maxCharacters('track_id', COMMON_LIMITS.maxIdCharacters));
    }
    return value;
  }
  fields.fail('track_id', messages.stringOrNumber('track_id'));
  return null;
}
