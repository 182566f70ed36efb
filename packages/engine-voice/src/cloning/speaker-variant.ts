import { runFlite } from '../flite/flite-wasi';
import type { SpeechAudio } from '../audio/speech-audio';
import { resample } from '../audio/resample';
import { decodeWav } from '../audio/wav';
import { FLITE_VOICES, type FliteVoice } from '../tts/flite-synthesizer';

/** The Flite voices speakers are made from (every voice that reads open text). */
export const FLITE_BASE_VOICES = FLITE_VOICES;
export type FliteBaseVoice = FliteVoice;

/** The rate every speaker is rendered at (kal's 8 kHz output is brought up to it). */
export const SPEAKER_RATE = 16_000;

/**
 * A synthetic speaker: a flite voice, the F0 mean flite aims at (voices that honour
 * int_f0_target_mean; undefined keeps the voice's own), and a playback-rate factor `alpha`:
 * reading the samples `alpha` times faster raises pitch and formants together (a shorter vocal
 * tract) and speeds the speech up by the same factor.
 */
export interface Speaker {
  voice: FliteBaseVoice;
  f0?: number;
  alpha: number;
  /** flite's duration_stretch (1 = the voice's own rate), applied before alpha. */
  stretch?: number;
}

export interface SpokenSpeaker extends SpeechAudio {
  /** Phone names and end times in seconds of the returned audio (flite's -psdur, scaled by alpha). */
  phones: { phone: string; end: number }[];
}

export function speakerName(s: Speaker): string {
  return `${s.voice}-f${s.f0 ?? 'x'}-a${s.alpha.toFixed(3)}${s.stretch && s.stretch !== 1 ? `-s${s.stretch}` : ''}`;
}

/** `text` said by `speaker`: flite at 16 kHz, then read at alpha times the speed. */
export async function speakSpeaker(text: string, speaker: Speaker): Promise<SpokenSpeaker> {
  if (!(speaker.alpha > 0.5 && speaker.alpha < 2)) throw new RangeError(`speaker alpha ${speaker.alpha} is outside (0.5, 2)`);
  const args = ['-voice', speaker.voice, '-psdur'];
  if (speaker.f0 !== undefined) args.push('--setf', `int_f0_target_mean=${speaker.f0}`);
  if (speaker.stretch !== undefined) args.push('--setf', `duration_stretch=${speaker.stretch}`);
  const run = await runFlite([...args, '-t', text], true);
  if (!run.wav) throw new Error(`flite wrote no audio for voice ${speaker.voice}`);
  const raw = await decodeWav(run.wav);
  // Read alpha times faster = the samples taken at alpha × their rate; kal speaks at 8 kHz, so one
  // band-limited pass does both the rate change and alpha.
  const { samples } = resample({ samples: raw.samples, sampleRate: raw.sampleRate * speaker.alpha }, SPEAKER_RATE);
  const phones = run.stdout
    .trim()
    .split(/\s+/)
    .map((item) => item.split(':'))
    .filter((p) => p.length === 2 && Number.isFinite(Number(p[1])))
    .map(([phone, end]) => ({ phone: phone!, end: Number(end) / speaker.alpha }));
  return { samples, sampleRate: SPEAKER_RATE, phones };
}
