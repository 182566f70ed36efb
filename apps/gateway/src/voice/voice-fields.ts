/**
 * The bodies of POST /api/v6/voice/text_to_audio, /text_to_speech and /voice_to_voice
 * (../shared/API.md "Voice (v6)"): the text, the voice (a reference recording, a stored or
 * built-in voice), pace and emotion, the file format. Read with the dialect's tolerance; the parser
 * and /openapi.json share this table.
 */
import {
  TEXT_TO_AUDIO_KIND,
  TEXT_TO_SPEECH_KIND,
  VOICE_EMOTIONS,
  VOICE_LIMITS,
  VOICE_TO_VOICE_KIND,
  type VoiceEmotion,
  type VoiceOutputFormat,
} from '@easel/contracts';
import { readAudio } from '../common/request/audio-field';
import { COMMON_LIMITS } from '../common/request/field-reader';
import { field } from '../common/request/fields';
import { RequestSchema } from '../common/request/request-schema';
import { GENERATION_LIMITS } from '../generation/request/generation-limits';
import { readSeed } from '../generation/request/generation-readers';

const L = VOICE_LIMITS;
const TEXT_KINDS = [TEXT_TO_AUDIO_KIND, TEXT_TO_SPEECH_KIND];
const CLONING_KINDS = [TEXT_TO_AUDIO_KIND, VOICE_TO_VOICE_KIND];

/** The languages of the public API's list; the ones no installed voice speaks are refused by name (422). */
export const PUBLIC_LANGUAGES = [
  'english', 'arabic', 'assamese', 'bengali', 'brazilian portuguese', 'chinese', 'czech', 'danish', 'dutch', 'finnish', 'french',
  'german', 'greek', 'gujarati', 'hebrew', 'hindi', 'hungarian', 'indonesian', 'italian', 'japanese', 'kannada', 'korean',
  'malayalam', 'marathi', 'norwegian', 'polish', 'portuguese', 'punjabi', 'romanian', 'russian', 'spanish', 'swedish', 'tamil',
  'telugu', 'thai', 'turkish', 'ukrainian', 'urdu', 'vietnamese',
] as const;

const audio = (what: string, kinds: readonly string[], required: readonly string[] = []) =>
  field.custom(
    {
      type: 'string',
      'x-easel-widget': 'audio',
      description: `${what}: an http(s) URL (fetched with SSRF protection) or base64 WAV/MP3 audio (bare or as a \`data:audio/…;base64,\` URI), at most ${L.audioBytes / 1024 / 1024} MB.`,
    },
    (fields, name) => readAudio(fields, name),
    { kinds, ...(required.length ? { required } : {}) },
  );

export const VOICE_FIELDS = {
  key: field.key(),
  prompt: field.text({
    maxLength: L.promptCharacters,
    required: false,
    description: `The text to speak (at most ${L.promptCharacters} characters). Required.`,
    kinds: TEXT_KINDS,
  }),
  init_audio: audio(
    'text_to_audio: a recording of the voice to clone, ' + `${L.referenceSeconds.min}–${L.referenceSeconds.max} seconds (wins over voice_id). voice_to_voice: the speech to re-speak, at most ${L.sourceSeconds.max} seconds`,
    CLONING_KINDS,
    [VOICE_TO_VOICE_KIND],
  ),
  target_audio: audio(`voice_to_voice: a recording of the voice to speak in, ${L.referenceSeconds.min}–${L.referenceSeconds.max} seconds (or name a stored voice by voice_id)`, [VOICE_TO_VOICE_KIND]),
  voice_id: field.text({
    maxLength: COMMON_LIMITS.maxIdCharacters,
    description:
      'A voice: one of your stored voices (POST /api/v6/voice/voices/upload; cloned from its reference), a built-in voice (slt, rms, awb, kal16, kal — Flite\'s), or a Piper voice loaded as a model of category voice. text_to_speech without it: the deployment\'s default voice (EASEL_DEFAULT_VOICE).',
  }),
  model_id: field.text({
    maxLength: COMMON_LIMITS.maxIdCharacters,
    description: "The voice-cloning model (category voice) that clones init_audio, target_audio or a stored voice. Unset: the deployment's default (EASEL_DEFAULT_VOICE_MODEL).",
  }),
  language: field.custom(
    { type: 'string', enum: [...PUBLIC_LANGUAGES], default: 'english', description: 'The language of the text. The bundled voices speak english; a language no installed voice speaks is refused (422).' },
    (fields, name) => fields.choice(name, Object.fromEntries(PUBLIC_LANGUAGES.map((l) => [l, l])), PUBLIC_LANGUAGES) ?? 'english',
    { kinds: TEXT_KINDS },
  ),
  speed: field.number(L.speed, { default: L.speed.default, description: `The pace: 1 is the voice's own, 1.5 says the same in two thirds of the time (${L.speed.min}–${L.speed.max}).`, kinds: TEXT_KINDS }),
  emotion: field.choice<VoiceEmotion, VoiceEmotion>(
    Object.fromEntries(VOICE_EMOTIONS.map((e) => [e, e])) as Record<string, VoiceEmotion>,
    VOICE_EMOTIONS,
    VOICE_EMOTIONS,
    { default: 'neutral', description: 'The delivery, carried by pace and pitch (happy and angry quicker and higher, sad slower and lower, dull a little slower and lower).', kinds: TEXT_KINDS },
  ),
  seed: field.custom(
    field.integer(GENERATION_LIMITS.seed, { default: 0, description: 'The same seed and request give the same file, byte for byte. 0 (the default), null or -1: random, reported in meta.' }).schema,
    (fields) => {
      const seed = readSeed(fields);
      return seed === 0 ? null : seed;
    },
  ),
  output_format: field.choice<VoiceOutputFormat, VoiceOutputFormat>({ wav: 'wav', mp3: 'mp3' }, ['wav', 'mp3'], ['wav', 'mp3'], {
    default: 'wav',
    description: 'wav: 16-bit PCM, mono, at the voice\'s rate; mp3: MPEG-1/2 Layer III, mono.',
  }),
  base64: field.flag({ default: false, description: 'yes: init_audio / target_audio are base64 (they are read either way: a URL or base64). The answer links the audio.' }),
  stream: field.flag({ default: false, description: 'Accepted for compatibility: the answer links the whole file once it is made (fetch or the SSE events follow progress).' }),
  temp: field.flag({ default: false, description: 'yes: short-lived artifact URLs (EASEL_TEMP_LINK_TTL_S after the job ends; then 410).' }),
  instant_response: field.flag({ default: false, description: 'yes: answer `processing` at once with the link the audio will have.' }),
  webhook: field.webhook(),
  track_id: field.trackId(),
};

export const VOICE_REQUEST = new RequestSchema(
  VOICE_FIELDS,
  'Speech from text in a built-in, stored or cloned voice, or one recording re-spoken in another voice. Numbers may be sent as numeric strings and flags as yes/no; null and "" mean unset. Every bad field is reported at once (422).',
);
