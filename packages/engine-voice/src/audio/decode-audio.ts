import { decodeMp3, isMp3 } from './mp3';
import { NotAudioError } from './not-audio-error';
import type { SpeechAudio } from './speech-audio';
import { decodeWav, isWav } from './wav';

/**
 * WAV (PCM 8/16/24/32-bit or float, any channel count) or MP3, told apart by their first bytes,
 * as mono. Anything else, or a file of either kind with no audio in it, throws NotAudioError.
 */
export async function decodeAudio(bytes: Uint8Array): Promise<SpeechAudio> {
  if (isWav(bytes)) return decodeWav(bytes);
  if (isMp3(bytes)) return decodeMp3(bytes);
  throw new NotAudioError();
}
