import type { SpeechAudio } from '../audio/speech-audio';

export interface SynthesisOptions {
  /** One of `voices()`; the engine's first voice when left out. */
  voice?: string;
  /** Speaking rate: 1 is the voice's own, 1.5 speaks in about 2/3 of the time. */
  speed?: number;
  /** Target mean F0 in Hz, where the voice can follow one (see the engine's README table). */
  pitchHz?: number;
  /** For engines that sample (Piper); Flite is deterministic and ignores it. */
  seed?: number;
  signal?: AbortSignal;
}

/** A text-to-speech engine: the same text and options give speech of the same voice. */
export interface SpeechSynthesizer {
  readonly id: string;
  voices(): string[];
  synthesize(text: string, options?: SynthesisOptions): Promise<SpeechAudio>;
}

/** Speeds engines accept: beyond these, speech is either unintelligible or minutes long. */
export const MIN_SPEED = 0.25;
export const MAX_SPEED = 4;

/** Checks the options every engine shares; RangeError names the option that is wrong. */
export function checkOptions(engine: SpeechSynthesizer, options: SynthesisOptions): void {
  if (options.voice !== undefined && !engine.voices().includes(options.voice)) {
    throw new RangeError(`voice must be one of ${engine.voices().join(', ')} (got ${options.voice})`);
  }
  const speed = options.speed;
  if (speed !== undefined && !(Number.isFinite(speed) && speed >= MIN_SPEED && speed <= MAX_SPEED)) {
    throw new RangeError(`speed must be between ${MIN_SPEED} and ${MAX_SPEED} (got ${speed})`);
  }
  const pitch = options.pitchHz;
  if (pitch !== undefined && !(Number.isFinite(pitch) && pitch >= 50 && pitch <= 500)) {
    throw new RangeError(`pitchHz must be between 50 and 500 (got ${pitch})`);
  }
  options.signal?.throwIfAborted();
}
