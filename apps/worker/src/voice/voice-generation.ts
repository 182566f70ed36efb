import { readdir } from 'node:fs/promises';
import { join, resolve as resolvePath } from 'node:path';
import { clonesVoice, VOICE_CATEGORY, VOICE_LIMITS, VOICE_MIME_TYPES, VOICE_TO_VOICE_KIND, type VoiceParams, type VoiceResult } from '@easel/contracts';
import {
  durationSeconds,
  encodeMp3,
  encodeWav,
  FLITE_VOICE_F0,
  FliteSynthesizer,
  loadPiperVoice,
  PiperSynthesizer,
  speakerName,
  speakSpeaker,
  loadVoiceCloner,
  type SpeechAudio,
  type SpeechSynthesizer,
  type VoiceCloner,
} from '@easel/engine-voice';
import type { ModelCatalog } from '@easel/model-store';
import type { ArtifactStore } from '@easel/storage';
import { ModelNotFoundError } from '../diffusion/diffusion-generation';
import { decodeInputAudio, loadInputAudio } from '../inputs/input-audio';
import { LoadedModels } from '../loaded-models';
import { PermanentJobError } from '../service-handler';
import { emotionProsody } from './emotion-prosody';

export interface VoiceGenerationOptions {
  catalog: ModelCatalog;
  /** The cloning model (category voice) of requests without model_id. */
  defaultModel: string;
  /** The speaker of text_to_speech without voice_id: a Flite voice or a Piper voice's model id. */
  defaultVoice: string;
  fetchAllowHosts: readonly string[];
  /** Where stored voices' references live. */
  store?: ArtifactStore;
  session?: { intraOpNumThreads?: number };
}

export type VoiceProgress = { step: number; total: number; phase: 'speech' | 'clone' | 'encode' };

export interface GeneratedVoice {
  result: VoiceResult;
  file: { body: Buffer; contentType: string; extension: string };
}

/**
 * One voice request, however it arrived (a bus job or a direct gRPC call): the speech (a built-in
 * or Piper voice speaking the text, or the recording voice_to_voice converts), then, when the
 * request clones, the cloning model re-speaks it in the reference's voice, then the file.
 */
export class VoiceGeneration {
  private readonly flite = new FliteSynthesizer();
  private readonly cloners: LoadedModels<VoiceCloner>;
  private readonly piperVoices: LoadedModels<{ synthesizer: SpeechSynthesizer; release(): Promise<void> }>;

  constructor(private readonly options: VoiceGenerationOptions) {
    this.cloners = new LoadedModels((location) => loadVoiceCloner(location, options.session ?? {}), (m) => m.release(), 1);
    this.piperVoices = new LoadedModels((location) => this.loadPiper(location), (m) => m.release(), 2);
  }

  loadedModels(): string[] {
    return [...this.cloners.modelIds(), ...this.piperVoices.modelIds()];
  }

  /** The cloning model a request needs (null when it does not clone). */
  async resolveModel(tenantId: string, p: Pick<VoiceParams, 'kind' | 'initAudio' | 'voiceKey' | 'modelId'>): Promise<{ modelId: string; location: string } | null> {
    if (!clonesVoice(p)) return null;
    const id = p.modelId ?? this.options.defaultModel;
    return { modelId: id, location: await this.voiceModelLocation(tenantId, id, 'model_id') };
  }

  async run(tenantId: string, p: VoiceParams, options: { signal?: AbortSignal; onProgress?: (event: VoiceProgress) => void } = {}): Promise<GeneratedVoice> {
    const started = performance.now();
    const clone = await this.resolveModel(tenantId, p);
    const total = clone ? 3 : 2;
    const cloner = clone ? await this.cloners.get(clone.location) : null;

    const speechStarted = performance.now();
    const { speech, voice } = await this.speech(tenantId, p, cloner, options.signal);
    options.onProgress?.({ step: 1, total, phase: 'speech' });

    const cloneStarted = performance.now();
    let audio = speech;
    if (cloner) {
      const reference = await this.reference(p);
      const voice = await cloner.embed(reference);
      options.signal?.throwIfAborted();
      audio = await cloner.convert(speech, voice, { ...(options.signal ? { signal: options.signal } : {}) });
      options.onProgress?.({ step: 2, total, phase: 'clone' });
    }

    const encodeStarted = performance.now();
    const body = p.outputFormat === 'mp3' ? await encodeMp3(audio) : encodeWav(audio);
    options.onProgress?.({ step: total, total, phase: 'encode' });
    const ended = performance.now();
    const result: VoiceResult = {
      modelId: clone?.modelId ?? null,
      voice,
      seed: p.seed,
      outputFormat: p.outputFormat,
      audioTime: Math.round(durationSeconds(audio) * 1000) / 1000,
      sampleRate: audio.sampleRate,
      generationTime: (ended - started) / 1000,
      timings: {
        total: round(ended - started),
        speech: round(cloneStarted - speechStarted),
        clone: round(encodeStarted - cloneStarted),
        encode: round(ended - encodeStarted),
      },
    };
    return { result, file: { body, contentType: VOICE_MIME_TYPES[p.outputFormat], extension: p.outputFormat } };
  }

  /** What is spoken before any cloning: the client's recording (voice_to_voice) or the text in a synthesizer's voice. */
  private async speech(tenantId: string, p: VoiceParams, cloner: VoiceCloner | null, signal?: AbortSignal): Promise<{ speech: SpeechAudio; voice: string }> {
    if (p.kind === VOICE_TO_VOICE_KIND) {
      return { speech: await loadInputAudio('init_audio', p.initAudio ?? '', this.options.fetchAllowHosts, VOICE_LIMITS.sourceSeconds), voice: 'init_audio' };
    }
    const prosody = emotionProsody(p.emotion);
    const speed = p.speed * prosody.speed;
    if (cloner) {
      // A clone starts from the speaker its converter was trained to read.
      const source = cloner.config.default_source;
      const ownF0 = (FLITE_VOICE_F0 as Record<string, number | null>)[source.voice] ?? null;
      const f0 = source.f0 ?? (prosody.pitchScale !== 1 ? ownF0 : null);
      const speech = await speakSpeaker(p.prompt, { ...source, stretch: (source.stretch ?? 1) / speed, ...(f0 !== null ? { f0: Math.round(f0 * prosody.pitchScale) } : {}) });
      return { speech, voice: speakerName(source) };
    }
    const voice = p.voice ?? this.options.defaultVoice;
    const synthesizer = await this.synthesizer(tenantId, voice);
    const ownF0 = (FLITE_VOICE_F0 as Record<string, number | null>)[voice] ?? null;
    const speech = await synthesizer.synthesize(p.prompt, {
      ...(synthesizer === this.flite ? { voice } : {}),
      speed,
      ...(ownF0 !== null && prosody.pitchScale !== 1 ? { pitchHz: Math.round(ownF0 * prosody.pitchScale) } : {}),
      seed: p.seed,
      ...(signal ? { signal } : {}),
    });
    return { speech, voice };
  }

  private async synthesizer(tenantId: string, voice: string): Promise<SpeechSynthesizer> {
    if (this.flite.voices().includes(voice)) return this.flite;
    const location = await this.voiceModelLocation(tenantId, voice, 'voice_id');
    this.piperVoices.name(location, voice);
    return (await this.piperVoices.get(location)).synthesizer;
  }

  /** A Piper voice's folder (its one `<name>.onnx` beside `<name>.onnx.json`) → the voice; a cloning model named as a voice is the client's mistake. */
  private async loadPiper(dir: string): Promise<{ synthesizer: SpeechSynthesizer; release(): Promise<void> }> {
    const names = await readdir(dir);
    const graph = names.find((n) => n.endsWith('.onnx') && names.includes(`${n}.json`));
    if (!graph) throw new PermanentJobError('The voice id names a voice-cloning model, not a voice: pass it as model_id.', 'voice_id');
    const voice = await loadPiperVoice(join(dir, graph), this.options.session ?? {});
    return { synthesizer: new PiperSynthesizer(voice), release: () => voice.session.release() };
  }

  /** The voice to clone: the request's reference recording, or a stored voice's. */
  private async reference(p: VoiceParams): Promise<SpeechAudio> {
    const field = p.kind === VOICE_TO_VOICE_KIND ? 'target_audio' : 'init_audio';
    const given = p.kind === VOICE_TO_VOICE_KIND ? p.targetAudio : p.initAudio;
    if (given) return loadInputAudio(field, given, this.options.fetchAllowHosts, VOICE_LIMITS.referenceSeconds);
    if (!p.voiceKey || !this.options.store) throw new PermanentJobError('The voice id names no stored voice.', 'voice_id');
    const bytes = await this.options.store.getBuffer(p.voiceKey).catch(() => {
      throw new PermanentJobError('The stored voice was deleted.', 'voice_id');
    });
    return decodeInputAudio('voice_id', bytes, VOICE_LIMITS.referenceSeconds);
  }

  private async voiceModelLocation(tenantId: string, id: string, field: string): Promise<string> {
    const { catalog } = this.options;
    const model = await catalog.find(tenantId, id);
    if (!model) throw new ModelNotFoundError(id, field);
    if (model.category !== VOICE_CATEGORY) throw new PermanentJobError(`${id} is a ${model.category} model, not a voice model.`, field);
    const location = resolvePath(catalog.materialize ? await catalog.materialize(model) : model.location);
    this.cloners.name(location, id);
    return location;
  }

  async close(): Promise<void> {
    await this.cloners.close();
    await this.piperVoices.close();
  }
}

const round = (ms: number): number => Math.round(ms) / 1000;
