/**
 * The body of a voice request → the voice's params (the voice and model resolved later by the
 * definition), or every bad field as a Laravel-style error. Pure, like the other parsers.
 */
import { TEXT_TO_AUDIO_KIND, VOICE_LANGUAGES, VOICE_TO_VOICE_KIND, type VoiceEmotion, type VoiceKind, type VoiceOutputFormat } from '@easel/contracts';
import type { Parsed } from '../common/request/field-reader';
import { messages } from '../common/request/messages';
import { VOICE_REQUEST } from './voice-fields';

export interface VoiceRequest {
  kind: VoiceKind;
  prompt: string;
  initAudio: string | null;
  targetAudio: string | null;
  voiceId: string | null;
  modelId: string | null;
  language: string;
  speed: number;
  emotion: VoiceEmotion;
  /** null: drawn by the definition (and reported in meta). */
  seed: number | null;
  outputFormat: VoiceOutputFormat;
  temp: boolean;
  instantResponse: boolean;
  webhook: string | null;
  trackId: string | number | null;
}

export function parseVoiceRequest(kind: VoiceKind, body: Record<string, unknown>): Parsed<VoiceRequest> {
  const { values: v, fields } = VOICE_REQUEST.read(body, kind);
  if (kind !== VOICE_TO_VOICE_KIND && !v.prompt && !fields.hasErrors('prompt')) fields.fail('prompt', messages.required('prompt'));
  if (kind === VOICE_TO_VOICE_KIND && !v.init_audio && !fields.hasErrors('init_audio')) fields.fail('init_audio', messages.required('init_audio'));
  // The public API: text_to_audio clones init_audio, or speaks in the voice voice_id names.
  if (kind === TEXT_TO_AUDIO_KIND && !v.init_audio && !v.voice_id && !fields.hasErrors('init_audio'))
    fields.fail('init_audio', 'The init audio field is required when voice id is not present.');
  if (kind === VOICE_TO_VOICE_KIND && !v.target_audio && !v.voice_id && !fields.hasErrors('target_audio'))
    fields.fail('target_audio', 'The target audio field is required when voice id is not present.');
  const language = v.language ?? 'english';
  if (kind !== VOICE_TO_VOICE_KIND && !(VOICE_LANGUAGES as readonly string[]).includes(language) && !fields.hasErrors('language'))
    fields.fail('language', `The language ${language} is not available: the installed voices speak ${VOICE_LANGUAGES.join(', ')}.`);
  if (fields.hasErrors()) return { ok: false, errors: fields.errors };
  return {
    ok: true,
    value: {
      kind,
      prompt: kind === VOICE_TO_VOICE_KIND ? '' : (v.prompt ?? ''),
      initAudio: v.init_audio ?? null,
      targetAudio: kind === VOICE_TO_VOICE_KIND ? (v.target_audio ?? null) : null,
      voiceId: v.voice_id,
      modelId: v.model_id,
      language,
      speed: kind === VOICE_TO_VOICE_KIND ? 1 : v.speed,
      emotion: kind === VOICE_TO_VOICE_KIND ? 'neutral' : v.emotion,
      seed: v.seed,
      outputFormat: v.output_format,
      temp: v.temp,
      instantResponse: v.instant_response,
      webhook: v.webhook,
      trackId: v.track_id,
    },
  };
}
