import { randomInt } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { EaselConfig } from '@easel/config';
import { VOICE_CATEGORY, VOICE_KINDS, VOICE_SERVICE, VOICE_TO_VOICE_KIND, type VoiceKind, type VoiceParams, type VoiceResult } from '@easel/contracts';
import { FLITE_VOICES } from '@easel/engine-voice';
import type { ModelCatalog } from '@easel/model-store';
import { ModelNotFoundError, ValidationError } from '../common/api-errors';
import type { FieldErrors } from '../common/request/field-reader';
import type { Schema } from '../common/request/json-schema';
import { GENERATION_LIMITS } from '../generation/request/generation-limits';
import type { JobWithArtifacts } from '../jobs/job-responses';
import { DefinesService, type PreparedJob, type ServiceDefinition } from '../jobs/service-definition';
import type { Principal } from '../keys/principal';
import { CONFIG, MODEL_CATALOG } from '../tokens';
import { StoredVoicesService } from './stored-voices.service';
import { VOICE_REQUEST } from './voice-fields';
import { checkAudioInput, REFERENCE_SECONDS, SOURCE_SECONDS } from './voice-inputs';
import { voiceMeta } from './voice-meta';
import { longestAudioSeconds, VOICE_PRICING, voiceHold } from './voice-pricing';
import { parseVoiceRequest, type VoiceRequest } from './voice-request';

export const VOICE_FETCH_PATH = '/api/v6/voice/fetch';

/** POST /api/v6/voice/text_to_audio, text_to_speech and voice_to_voice on the voice service. */
@Injectable()
@DefinesService()
export class VoiceDefinition implements ServiceDefinition {
  readonly service = VOICE_SERVICE;
  readonly kinds = VOICE_KINDS;
  readonly fetchPath = VOICE_FETCH_PATH;
  readonly pricing = VOICE_PRICING;

  constructor(
    @Inject(CONFIG) private readonly config: EaselConfig,
    @Inject(MODEL_CATALOG) private readonly catalog: ModelCatalog,
    private readonly storedVoices: StoredVoicesService,
  ) {}

  async prepare(principal: Principal, kind: string, body: Record<string, unknown>): Promise<PreparedJob> {
    const parsed = parseVoiceRequest(kind as VoiceKind, body);
    if (!parsed.ok) throw new ValidationError(parsed.errors);
    const request = parsed.value;
    const errors: FieldErrors = {};
    const sourceSeconds = await this.checkAudio(request, errors);
    const voice = await this.resolveVoice(principal.tenantId, request, errors);
    if (Object.keys(errors).length > 0) throw new ValidationError(errors);

    const clones = request.kind === VOICE_TO_VOICE_KIND || request.initAudio !== null || voice.voiceKey !== null;
    const modelId = clones ? (request.modelId ?? this.config.EASEL_DEFAULT_VOICE_MODEL) : null;
    if (modelId !== null) {
      const model = await this.catalog.find(principal.tenantId, modelId);
      if (!model || model.category !== VOICE_CATEGORY) throw new ModelNotFoundError();
    }
    const params: VoiceParams & { voiceId: string | null } = {
      kind: request.kind,
      prompt: request.prompt,
      modelId,
      voice: voice.voice,
      voiceKey: voice.voiceKey,
      initAudio: request.initAudio,
      targetAudio: request.targetAudio,
      language: request.language,
      speed: request.speed,
      emotion: request.emotion,
      seed: request.seed ?? randomInt(1, GENERATION_LIMITS.seed.max),
      outputFormat: request.outputFormat,
      temp: request.temp,
      voiceId: request.voiceId,
    };
    return {
      kind,
      modelId,
      params: params as unknown as Record<string, unknown>,
      outputs: 1,
      extension: params.outputFormat,
      price: voiceHold(longestAudioSeconds({ ...params, sourceSeconds })),
      trackId: request.trackId,
      webhook: request.webhook,
    };
  }

  /** Base64 inputs are decoded here and held to their limits; private URLs are refused. The source's seconds when known. */
  private async checkAudio(request: VoiceRequest, errors: FieldErrors): Promise<number | null> {
    const hosts = this.config.fetchAllowHosts;
    const v2v = request.kind === VOICE_TO_VOICE_KIND;
    const initSeconds = request.initAudio ? await checkAudioInput('init_audio', request.initAudio, v2v ? SOURCE_SECONDS : REFERENCE_SECONDS, hosts, errors) : null;
    if (request.targetAudio) await checkAudioInput('target_audio', request.targetAudio, REFERENCE_SECONDS, hosts, errors);
    return v2v ? initSeconds : null;
  }

  /**
   * voice_id → a stored voice of this tenant (cloned from its reference), a Flite voice, or a Piper
   * voice of the catalog. A reference recording in the request wins, as in the public API.
   */
  private async resolveVoice(tenantId: string, request: VoiceRequest, errors: FieldErrors): Promise<{ voice: string | null; voiceKey: string | null }> {
    const referenceGiven = request.kind === VOICE_TO_VOICE_KIND ? request.targetAudio !== null : request.initAudio !== null;
    if (request.voiceId === null || referenceGiven) return { voice: null, voiceKey: null };
    const stored = await this.storedVoices.find(tenantId, request.voiceId);
    if (stored) return { voice: null, voiceKey: stored.storageKey };
    if (request.kind !== VOICE_TO_VOICE_KIND) {
      if ((FLITE_VOICES as readonly string[]).includes(request.voiceId)) return { voice: request.voiceId, voiceKey: null };
      const model = await this.catalog.find(tenantId, request.voiceId);
      if (model?.category === VOICE_CATEGORY) return { voice: request.voiceId, voiceKey: null };
    }
    errors.voice_id = [
      request.kind === VOICE_TO_VOICE_KIND
        ? 'The selected voice id is invalid: voice_to_voice speaks in a stored voice (or target_audio).'
        : `The selected voice id is invalid: name a stored voice, a built-in voice (${FLITE_VOICES.join(', ')}) or a Piper voice model.`,
    ];
    return { voice: null, voiceKey: null };
  }

  successMeta(job: JobWithArtifacts): Record<string, unknown> {
    return voiceMeta(job);
  }

  /** The public API's answers list the audio under `links` too, with its length in `audio_time`. */
  successFields(job: JobWithArtifacts, links: string[]): Record<string, unknown> {
    return { links, audio_time: (job.result as unknown as VoiceResult).audioTime };
  }

  requestSchema(kind: string): Schema {
    return VOICE_REQUEST.jsonSchema(kind);
  }
}
