import { VOICE_CREDITS_PER_SECOND, VOICE_LIMITS, VOICE_TO_VOICE_KIND, type VoiceKind } from '@easel/contracts';

/** Slower than any voice reads at speed 1 (Flite's read about 17 characters a second here; emotions slow a voice by at most an eighth). */
const MIN_CHARACTERS_PER_SECOND = 8;

/**
 * The longest a request's audio can be: the text at the slowest plausible pace for its speed, or
 * the recording voice_to_voice re-speaks (its length when it came as base64, else the limit).
 */
export function longestAudioSeconds(p: { kind: VoiceKind; prompt: string; speed: number; sourceSeconds: number | null }): number {
  if (p.kind === VOICE_TO_VOICE_KIND) return p.sourceSeconds ?? VOICE_LIMITS.sourceSeconds.max;
  return Math.ceil(p.prompt.length / MIN_CHARACTERS_PER_SECOND / p.speed) + 2;
}

/** Held when the job is accepted: the longest audio it can give; the worker's job captures the seconds it gave. */
export function voiceHold(seconds: number): number {
  return Math.round(seconds * VOICE_CREDITS_PER_SECOND * 10_000) / 10_000;
}

export const VOICE_PRICING = `${VOICE_CREDITS_PER_SECOND} credit per second of audio produced. The longest the request could give is held when the job is accepted (the text at ${MIN_CHARACTERS_PER_SECOND} characters a second for its speed, or the recording's length); the seconds made are captured on success and the rest released; a failure releases it all.`;
