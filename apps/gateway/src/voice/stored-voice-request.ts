/** The bodies of the stored-voice endpoints (Easel's addition): upload, list, delete. */
import { MODEL_ID_PATTERN } from '@easel/model-store';
import { readAudio } from '../common/request/audio-field';
import { COMMON_LIMITS, FieldReader, type Parsed } from '../common/request/field-reader';
import { messages } from '../common/request/messages';

export interface StoredVoiceUpload {
  voiceId: string | null;
  name: string | null;
  initAudio: string;
}

const VOICE_ID_RULE = 'The voice id may contain letters, digits, dots, dashes and underscores (at most 128), starting with a letter or digit.';

function readVoiceId(fields: FieldReader, required: boolean): string | null {
  const id = fields.text('voice_id', COMMON_LIMITS.maxIdCharacters, required);
  if (id !== null && !MODEL_ID_PATTERN.test(id)) fields.fail('voice_id', VOICE_ID_RULE);
  return id;
}

export function parseStoredVoiceUpload(body: Record<string, unknown>): Parsed<StoredVoiceUpload> {
  const fields = new FieldReader(body);
  const voiceId = readVoiceId(fields, false);
  const name = fields.text('name', COMMON_LIMITS.maxIdCharacters);
  const initAudio = readAudio(fields, 'init_audio');
  if (initAudio === null && !fields.hasErrors('init_audio')) fields.fail('init_audio', messages.required('init_audio'));
  if (fields.hasErrors() || initAudio === null) return { ok: false, errors: fields.errors };
  return { ok: true, value: { voiceId, name, initAudio } };
}

export function parseStoredVoiceId(body: Record<string, unknown>): Parsed<string> {
  const fields = new FieldReader(body);
  const voiceId = readVoiceId(fields, true);
  if (fields.hasErrors() || voiceId === null) return { ok: false, errors: fields.errors };
  return { ok: true, value: voiceId };
}
