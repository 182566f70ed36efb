import { VOICE_LIMITS } from '@easel/contracts';
import { decodeAudio, durationSeconds, NotAudioError } from '@easel/engine-voice';
import { base64AudioBytes } from '../common/request/audio-field';
import type { FieldErrors } from '../common/request/field-reader';
import { isPrivateUrl, privateUrlMessage } from '../common/request/private-urls';

const attribute = (field: string) => field.replace(/_/g, ' ');

/**
 * What the gateway can know of an audio input before a job exists: a URL naming a private
 * address, and, for base64, whether it is audio and how long it is (the limits of its field).
 * URLs are fetched by the worker, which fails the job naming the field on the same rules.
 * Returns the seconds of a base64 input (null for a URL).
 */
export async function checkAudioInput(
  field: string,
  value: string,
  seconds: { min: number; max: number },
  allowHosts: readonly string[],
  errors: FieldErrors,
): Promise<number | null> {
  if (isPrivateUrl(value, allowHosts)) {
    errors[field] = [privateUrlMessage(attribute(field))];
    return null;
  }
  const bytes = base64AudioBytes(value);
  if (!bytes) return null;
  try {
    const length = durationSeconds(await decodeAudio(bytes));
    if (length < seconds.min || length > seconds.max) {
      errors[field] = [`The ${attribute(field)} must be from ${seconds.min} to ${seconds.max} seconds long; it is ${length.toFixed(1)} seconds.`];
    }
    return length;
  } catch (error) {
    if (!(error instanceof NotAudioError)) throw error;
    errors[field] = [`The ${attribute(field)} is not WAV or MP3 audio: ${error.message}`];
    return null;
  }
}

export const REFERENCE_SECONDS = VOICE_LIMITS.referenceSeconds;
export const SOURCE_SECONDS = VOICE_LIMITS.sourceSeconds;
