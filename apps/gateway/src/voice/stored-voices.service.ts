import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { EaselConfig } from '@easel/config';
import { VOICE_LIMITS } from '@easel/contracts';
import { StoredVoicesRepository, StoredVoiceExistsError, type Database, type StoredVoice } from '@easel/db';
import { decodeAudio, durationSeconds, encodeWav, FLITE_VOICES, NotAudioError } from '@easel/engine-voice';
import { safeFetch, SafeFetchError } from '@easel/safe-fetch';
import type { ArtifactStore } from '@easel/storage';
import { NotFoundError, ValidationError } from '../common/api-errors';
import { base64AudioBytes } from '../common/request/audio-field';
import { isPrivateUrl, privateUrlMessage } from '../common/request/private-urls';
import { ARTIFACT_STORE, CONFIG, DATABASE } from '../tokens';
import type { StoredVoiceUpload } from './stored-voice-request';

/** A stored voice as the API lists it. */
export interface StoredVoiceView {
  voice_id: string;
  name: string;
  seconds: number;
  created_at: string;
}

const view = (v: StoredVoice): StoredVoiceView => ({ voice_id: v.voiceId, name: v.name, seconds: Number(v.seconds), created_at: v.createdAt.toISOString() });

/**
 * A tenant's stored voices (Easel's addition to the public API): a reference recording is checked
 * (WAV or MP3, 4–30 seconds), kept in the artifact store as 16-bit WAV, and cloned by voice_id.
 */
@Injectable()
export class StoredVoicesService {
  private readonly voices: StoredVoicesRepository;

  constructor(
    @Inject(DATABASE) db: Database,
    @Inject(ARTIFACT_STORE) private readonly store: ArtifactStore,
    @Inject(CONFIG) private readonly config: EaselConfig,
  ) {
    this.voices = new StoredVoicesRepository(db.prisma);
  }

  find(tenantId: string, voiceId: string): Promise<StoredVoice | null> {
    return this.voices.find(tenantId, voiceId);
  }

  async list(tenantId: string): Promise<{ voices: StoredVoiceView[]; built_in: readonly string[] }> {
    return { voices: (await this.voices.list(tenantId)).map(view), built_in: FLITE_VOICES };
  }

  async upload(tenantId: string, upload: StoredVoiceUpload): Promise<StoredVoiceView> {
    const voiceId = upload.voiceId ?? `voice-${randomUUID().slice(0, 8)}`;
    if ((FLITE_VOICES as readonly string[]).includes(voiceId)) throw new ValidationError({ voice_id: [`The voice id ${voiceId} is a built-in voice's.`] });
    if (await this.voices.find(tenantId, voiceId)) throw new ValidationError({ voice_id: ['The voice id has already been taken.'] });
    const audio = await this.referenceAudio(upload.initAudio);
    const seconds = durationSeconds(audio);
    const { min, max } = VOICE_LIMITS.referenceSeconds;
    if (seconds < min || seconds > max) throw new ValidationError({ init_audio: [`The init audio must be from ${min} to ${max} seconds long; it is ${seconds.toFixed(1)} seconds.`] });
    const storageKey = `voices/${tenantId}/${randomUUID()}.wav`;
    await this.store.put(storageKey, encodeWav(audio), { contentType: 'audio/wav' });
    try {
      return view(await this.voices.create({ tenantId, voiceId, name: upload.name ?? voiceId, storageKey, seconds: Math.round(seconds * 1000) / 1000 }));
    } catch (error) {
      await this.store.delete(storageKey).catch(() => undefined);
      if (error instanceof StoredVoiceExistsError) throw new ValidationError({ voice_id: ['The voice id has already been taken.'] });
      throw error;
    }
  }

  async remove(tenantId: string, voiceId: string): Promise<void> {
    const removed = await this.voices.remove(tenantId, voiceId);
    if (!removed) throw new NotFoundError('Voice not found');
    await this.store.delete(removed.storageKey).catch(() => undefined);
  }

  /** The recording, fetched (SSRF-protected) or decoded from base64; anything that is not audio is the client's 422. */
  private async referenceAudio(value: string) {
    let bytes = base64AudioBytes(value);
    if (!bytes) {
      if (isPrivateUrl(value, this.config.fetchAllowHosts)) throw new ValidationError({ init_audio: [privateUrlMessage('init audio')] });
      try {
        bytes = (await safeFetch(value, { maxBytes: VOICE_LIMITS.audioBytes, allowHosts: this.config.fetchAllowHosts, timeoutMs: 20_000 })).body;
      } catch (error) {
        const reason = error instanceof SafeFetchError ? error.message : String(error);
        throw new ValidationError({ init_audio: [`The init audio could not be downloaded: ${reason}`] });
      }
    }
    try {
      return await decodeAudio(bytes);
    } catch (error) {
      if (error instanceof NotAudioError) throw new ValidationError({ init_audio: [`The init audio is not WAV or MP3 audio: ${error.message}`] });
      throw error;
    }
  }
}
