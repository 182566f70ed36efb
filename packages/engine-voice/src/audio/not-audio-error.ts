/**
 * Bytes that are neither WAV nor MP3 (or a WAV/MP3 that holds no audio). The message names no
 * request field: the caller knows which field the bytes came from and prefixes it in its 422.
 */
export class NotAudioError extends Error {
  override readonly name = 'NotAudioError';
  constructor(detail = 'not a WAV or MP3 file') {
    super(detail);
  }
}
