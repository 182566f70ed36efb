import { decodeWav } from '../audio/wav';
import { concatAudio } from '../audio/levels';
import type { SpeechAudio } from '../audio/speech-audio';
import { runFlite } from '../flite/flite-wasi';
import { checkOptions, type SpeechSynthesizer, type SynthesisOptions } from './speech-synthesizer';
import { textChunks } from './text-chunks';

/**
 * Flite's voices (awb_time, a talking clock that only says times, is left out). slt, rms, awb and
 * kal16 speak at 16 kHz, kal at 8 kHz. rms ignores int_f0_target_mean; the others follow it.
 */
export const FLITE_VOICES = ['slt', 'rms', 'awb', 'kal16', 'kal'] as const;
export type FliteVoice = (typeof FLITE_VOICES)[number];

/**
 * Each voice's own median F0 in Hz, measured on two sentences (README table), so a caller can ask for
 * a pitch relative to the voice's; null for rms, which keeps its own whatever it is asked.
 */
export const FLITE_VOICE_F0: Record<FliteVoice, number | null> = { slt: 165, rms: null, awb: 123, kal16: 88, kal: 88 };

/** Characters a piece may hold at speed 1: about 12 s of speech, well under where Flite's WASI build aborts. */
const CHUNK_CHARS = 200;
/** Silence between pieces, as between sentences. */
const GAP_SECONDS = 0.1;

/** The default engine: Flite (BSD-4-Clause) compiled to WASI. Deterministic: `seed` changes nothing. */
export class FliteSynthesizer implements SpeechSynthesizer {
  readonly id = 'flite';

  voices(): string[] {
    return [...FLITE_VOICES];
  }

  async synthesize(text: string, options: SynthesisOptions = {}): Promise<SpeechAudio> {
    checkOptions(this, options);
    const voice = options.voice ?? 'slt';
    const speed = options.speed ?? 1;
    const settings = ['-voice', voice, '--setf', `duration_stretch=${1 / speed}`];
    if (options.pitchHz !== undefined) settings.push('--setf', `int_f0_target_mean=${options.pitchHz}`);
    // A slower voice says fewer characters a second: keep each piece's audio as short.
    const chunks = textChunks(text, Math.round(CHUNK_CHARS * Math.min(1, speed)));
    if (chunks.length === 0) throw new RangeError('text has nothing to say');
    const parts: SpeechAudio[] = [];
    for (const chunk of chunks) {
      options.signal?.throwIfAborted();
      const { wav } = await runFlite([...settings, '-t', chunk]);
      if (!wav) throw new Error(`flite wrote no audio for voice ${voice}`);
      parts.push(await decodeWav(wav));
    }
    return concatAudio(parts, GAP_SECONDS);
  }
}
