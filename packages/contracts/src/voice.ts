/**
 * `voice` (v6 text_to_audio, text_to_speech and voice_to_voice): a service of its own (stream,
 * pool, proto/easel/voice/v1) that speaks text with an offline synthesizer and clones voices with
 * a speaker encoder and a mel converter.
 */
export const VOICE_SERVICE = 'voice';
export const TEXT_TO_AUDIO_KIND = 'text_to_audio';
export const TEXT_TO_SPEECH_KIND = 'text_to_speech';
export const VOICE_TO_VOICE_KIND = 'voice_to_voice';
export const VOICE_KINDS = [TEXT_TO_AUDIO_KIND, TEXT_TO_SPEECH_KIND, VOICE_TO_VOICE_KIND] as const;
export type VoiceKind = (typeof VOICE_KINDS)[number];
/** The model category of voice models: a cloning model's folder, or a Piper voice (`.onnx` + `.onnx.json`). */
export const VOICE_CATEGORY = 'voice';
export const VOICE_OUTPUT_FORMATS = ['wav', 'mp3'] as const;
export type VoiceOutputFormat = (typeof VOICE_OUTPUT_FORMATS)[number];
export const VOICE_MIME_TYPES: Record<VoiceOutputFormat, string> = { wav: 'audio/wav', mp3: 'audio/mpeg' };
export const VOICE_EMOTIONS = ['neutral', 'happy', 'sad', 'angry', 'dull'] as const;
export type VoiceEmotion = (typeof VOICE_EMOTIONS)[number];
/** The languages the bundled voices speak; the public API lists more, refused with a 422 until a voice speaks them. */
export const VOICE_LANGUAGES = ['english'] as const;

/** The API's limits (../shared/API.md "Voice (v6)"). */
export const VOICE_LIMITS = {
  /** Characters of text one request speaks. */
  promptCharacters: 2000,
  speed: { min: 0.5, max: 2, default: 1 },
  /** Seconds of a reference voice (init_audio of text_to_audio, target_audio, a stored voice). */
  referenceSeconds: { min: 4, max: 30 },
  /** Seconds of speech voice_to_voice converts. */
  sourceSeconds: { min: 0.5, max: 30 },
  /** Bytes of an audio input, however it arrives. */
  audioBytes: 12 * 1024 * 1024,
} as const;

/** Credits per second of audio produced; held for the longest the request could give, captured for what it gave. */
export const VOICE_CREDITS_PER_SECOND = 0.002;

export interface VoiceParams {
  kind: VoiceKind;
  /** The text (empty for voice_to_voice). */
  prompt: string;
  /** The cloning model; null: the worker's default. */
  modelId: string | null;
  /** A built-in speaker (a Flite voice or a Piper voice's model id); null: the default speaker. */
  voice: string | null;
  /** A stored voice's reference recording (its artifact-store key), resolved by the gateway. */
  voiceKey: string | null;
  /** As the client sent it (URL or base64); the worker fetches/decodes. */
  initAudio: string | null;
  targetAudio: string | null;
  language: string;
  speed: number;
  emotion: VoiceEmotion;
  seed: number;
  outputFormat: VoiceOutputFormat;
  temp: boolean;
}

export interface VoiceResult {
  /** The cloning model, when one ran. */
  modelId: string | null;
  /** The speaker the speech started from. */
  voice: string;
  seed: number;
  outputFormat: VoiceOutputFormat;
  /** Seconds of audio. */
  audioTime: number;
  sampleRate: number;
  generationTime: number;
  timings: Record<string, number>;
}

/** Whether a request clones a voice (and so needs the cloning model). */
export const clonesVoice = (p: Pick<VoiceParams, 'kind' | 'initAudio' | 'voiceKey'>): boolean =>
  p.kind === VOICE_TO_VOICE_KIND || p.initAudio !== null || p.voiceKey !== null;
