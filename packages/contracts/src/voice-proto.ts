import { create } from '@bufbuild/protobuf';
import { GenerateRequestSchema, type GenerateRequest } from './gen/easel/voice/v1/voice_pb';
import { MalformedMessageError } from './malformed-message';
import { defineServiceContract, type JobIdentity } from './service-contract';
import {
  VOICE_EMOTIONS,
  VOICE_KINDS,
  VOICE_LIMITS,
  VOICE_OUTPUT_FORMATS,
  VOICE_SERVICE,
  VOICE_TO_VOICE_KIND,
  type VoiceEmotion,
  type VoiceKind,
  type VoiceOutputFormat,
  type VoiceParams,
} from './voice';

export function toVoiceRequest(p: VoiceParams, identity?: Pick<JobIdentity, 'tenantId'>): GenerateRequest {
  return create(GenerateRequestSchema, {
    kind: p.kind,
    prompt: p.prompt,
    modelId: p.modelId ?? undefined,
    voice: p.voice ?? undefined,
    voiceKey: p.voiceKey ?? undefined,
    initAudio: p.initAudio ?? undefined,
    targetAudio: p.targetAudio ?? undefined,
    language: p.language,
    speed: p.speed,
    emotion: p.emotion,
    seed: BigInt(p.seed),
    outputFormat: p.outputFormat,
    temp: p.temp,
    tenantId: identity?.tenantId ?? '',
  });
}

const oneOf = <T extends string>(value: string, allowed: readonly T[], name: string): T => {
  if (!(allowed as readonly string[]).includes(value)) throw new MalformedMessageError(`voice request has ${name} "${value}"`);
  return value as T;
};

/** Throws MalformedMessageError for a request no voice should run. */
export function fromVoiceRequest(m: GenerateRequest): VoiceParams {
  const kind = oneOf<VoiceKind>(m.kind, VOICE_KINDS, 'kind');
  if (kind === VOICE_TO_VOICE_KIND) {
    if (!m.initAudio) throw new MalformedMessageError('voice_to_voice request has no init_audio');
    if (!m.targetAudio && !m.voiceKey) throw new MalformedMessageError('voice_to_voice request has no target voice');
  } else if (!m.prompt.trim()) throw new MalformedMessageError(`${kind} request has no prompt`);
  if (m.prompt.length > VOICE_LIMITS.promptCharacters) throw new MalformedMessageError(`voice request has ${m.prompt.length} characters of prompt`);
  const { min, max } = VOICE_LIMITS.speed;
  if (!Number.isFinite(m.speed) || m.speed < min || m.speed > max) throw new MalformedMessageError(`voice request has speed ${m.speed} (${min}-${max})`);
  return {
    kind,
    prompt: m.prompt,
    modelId: m.modelId ?? null,
    voice: m.voice ?? null,
    voiceKey: m.voiceKey ?? null,
    initAudio: m.initAudio ?? null,
    targetAudio: m.targetAudio ?? null,
    language: m.language,
    speed: m.speed,
    emotion: oneOf<VoiceEmotion>(m.emotion, VOICE_EMOTIONS, 'emotion'),
    seed: Number(m.seed),
    outputFormat: oneOf<VoiceOutputFormat>(m.outputFormat, VOICE_OUTPUT_FORMATS, 'output_format'),
    temp: m.temp,
  };
}

/** The voice service on the bus. */
export const VOICE_CONTRACT = defineServiceContract({
  name: VOICE_SERVICE,
  kinds: VOICE_KINDS,
  requestCase: 'voice',
  protoFile: 'easel/voice/v1/voice.proto',
  toRequest: toVoiceRequest,
  fromRequest: fromVoiceRequest,
});
