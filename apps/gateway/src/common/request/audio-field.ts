/**
 * Audio inputs (voice's init_audio, target_audio, a stored voice's reference): an http(s) URL, a
 * `data:audio/…;base64,` URI or bare base64. The shape is read here; base64 is decoded by the
 * family (its length is a limit), URLs by the worker that fetches them.
 */
import { VOICE_LIMITS } from '@easel/contracts';
import { coerceString } from './coercion';
import { COMMON_LIMITS, type FieldReader } from './field-reader';
import { messages } from './messages';

const URL_SHAPE = /^https?:\/\/[^\s]+$/i;
const DATA_URI = /^data:audio\/[a-z0-9.+-]+;base64,/i;
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;
/** A second of 8 kHz 8-bit audio is 8,000 bytes; shorter than this cannot be a usable recording. */
const MIN_AUDIO_BYTES = 1024;

const isUrl = (value: string) => URL_SHAPE.test(value);

/** The bytes of base64 audio, or null for a URL (or a value that is neither). */
export function base64AudioBytes(value: string): Buffer | null {
  if (isUrl(value)) return null;
  const payload = value.replace(DATA_URI, '').replace(/\s+/g, '');
  if (!BASE64.test(payload)) return null;
  return Buffer.from(payload, 'base64');
}

export function readAudio(fields: FieldReader, name: string): string | null {
  const value = fields.take(name, coerceString(fields.get(name), name));
  if (value === undefined || value === null) return null;
  const trimmed = value.trim();
  if (isUrl(trimmed)) {
    if (trimmed.length > COMMON_LIMITS.maxUrlCharacters) fields.fail(name, messages.maxCharacters(name, COMMON_LIMITS.maxUrlCharacters));
    return trimmed;
  }
  const bytes = base64AudioBytes(trimmed);
  if (!bytes || bytes.length < MIN_AUDIO_BYTES) fields.fail(name, messages.audio(name));
  else if (bytes.length > VOICE_LIMITS.audioBytes) fields.fail(name, `The ${name.replace(/_/g, ' ')} must not be larger than ${VOICE_LIMITS.audioBytes / 1024 / 1024} MB.`);
  return trimmed;
}
