/** Mono speech as the engine passes it around: samples in [-1, 1] at `sampleRate` Hz. */
export interface SpeechAudio {
  samples: Float32Array;
  sampleRate: number;
}

/** Seconds of audio. */
export function durationSeconds(audio: SpeechAudio): number {
  return audio.samples.length / audio.sampleRate;
}
