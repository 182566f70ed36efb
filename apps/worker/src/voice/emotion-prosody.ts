import type { VoiceEmotion } from '@easel/contracts';

export interface Prosody {
  /** Multiplies the request's speed. */
  speed: number;
  /** Multiplies the voice's own pitch. */
  pitchScale: number;
}

/**
 * `emotion` as the synthesizers can honour it: the pace and pitch that carry it in speech (happy and
 * angry faster and higher, sad slower and lower, dull a touch slower). The bundled voices have no
 * emotional styles of their own; a voice that does would read the emotion itself.
 */
const PROSODY: Record<VoiceEmotion, Prosody> = {
  neutral: { speed: 1, pitchScale: 1 },
  happy: { speed: 1.08, pitchScale: 1.15 },
  sad: { speed: 0.88, pitchScale: 0.9 },
  angry: { speed: 1.05, pitchScale: 1.08 },
  dull: { speed: 0.95, pitchScale: 0.95 },
};

export const emotionProsody = (emotion: VoiceEmotion): Prosody => PROSODY[emotion];
