import { VOICE_LIMITS } from '@easel/contracts';
import { decodeAudio, durationSeconds, NotAudioError, type SpeechAudio } from '@easel/engine-voice';
import { PermanentJobError } from '../service-handler';
import { attribute, loadInputBytes } from './input-bytes';

/** Decoded audio whose length is checked against the API's limits for this field; the client's mistakes fail the job naming the field. */
export async function decodeInputAudio(field: string, bytes: Buffer, seconds: { min: number; max: number }): Promise<SpeechAudio> {
  let audio: SpeechAudio;
  try {
    audio = await decodeAudio(bytes);
  } catch (error) {
    if (error instanceof NotAudioError) throw new PermanentJobError(`The ${attribute(field)} is not audio: ${error.message}`, field);
    throw error;
  }
  const length = durationSeconds(audio);
  if (length < seconds.min || length > seconds.max)
    throw new PermanentJobError(`The ${attribute(field)} must be from ${seconds.min} to ${seconds.max} seconds long; it is ${length.toFixed(1)} seconds.`, field);
  return audio;
}

/** An input recording as the client sent it (an http(s) URL, a data: URI or bare base64; WAV or MP3), decoded. */
export async function loadInputAudio(field: string, value: string, allowHosts: readonly string[], seconds: { min: number; max: number }): Promise<SpeechAudio> {
  const bytes = await loadInputBytes(field, value, allowHosts, { maxBytes: VOICE_LIMITS.audioBytes, what: 'audio' });
  return decodeInputAudio(field, bytes, seconds);
}
