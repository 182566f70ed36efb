import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Speaker } from '@easel/engine-voice';

/** models/training/voice/heldout_voice.json: speakers and sentences never in training. */
export interface VoiceHeldOut {
  speakers: Speaker[];
  /** Voices the held-out speakers are cloned from (awb is the default source of text_to_audio). */
  sources: Speaker[];
  /** Said by each held-out speaker, together about 5 s: the reference a voice is cloned from. */
  reference_sentences: string[];
  test_sentences: string[];
}

export function voiceHeldOut(
  file = join(__dirname, '../../../../../models/training/voice/heldout_voice.json'),
): VoiceHeldOut {
  return JSON.parse(readFileSync(file, 'utf8')) as VoiceHeldOut;
}
