import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import * as ort from 'onnxruntime-node';
import type { SpeechAudio } from '../audio/speech-audio';
import { griffinLim } from './griffin-lim';
import { FeatureExtractor, type FeatureParams } from './mel';
import { medianPitch, pitchTrack } from './pitch-track';
import { sourceFilter } from './source-filter';
import { resample } from '../audio/resample';
import type { Speaker } from './speaker-variant';

/** models/easel-tiny-voice/config.json (written by models/training/voice/train.py). */
export interface VoiceClonerConfig {
  sample_rate: number;
  features: { n_fft: number; hop_length: number; n_mels: number; f_min: number; f_max: number; log_floor: number };
  embedding_dim: number;
  converter_output: 'log_magnitude';
  vocoder:
    | { type: 'griffin_lim'; iterations: number; momentum?: number }
    /** The converter's envelope over an excitation at the source's F0 contour moved to the reference's median F0. */
    | { type: 'source_filter'; smoothing_hz: number; breath: number; f_min: number; f_max: number };
  /**
   * How far past the reference the speaker embedding is pushed, away from the source's own
   * (e_ref + g (e_ref - e_src), renormalised): 0 is the reference's embedding as it is.
   */
  speaker_guidance?: number;
  /** The flite speaker text_to_audio converts from when it clones a voice. */
  default_source: Speaker;
}

/** What a reference recording tells the cloner about its voice. */
export interface VoiceProfile {
  /** The speaker embedding (unit length, config.embedding_dim values). */
  embedding: Float32Array;
  /** The reference's median F0 in Hz; undefined when no frame of it is voiced. */
  medianF0: number | undefined;
}

/** A speaker encoder + converter + vocoder, loaded from a model directory. */
export interface VoiceCloner {
  /** The rate the models work at; convert() answers at this rate. */
  sampleRate: number;
  config: VoiceClonerConfig;
  /** The voice of a reference recording. */
  embed(audio: SpeechAudio): Promise<VoiceProfile>;
  /** `source`'s words, timing and intonation contour in the voice of `voice` (an embed() result). */
  convert(source: SpeechAudio, voice: VoiceProfile, options?: { signal?: AbortSignal }): Promise<SpeechAudio>;
  release(): Promise<void>;
}

export interface VoiceClonerSessionOptions {
  intraOpNumThreads?: number;
}

const atRate = (audio: SpeechAudio, rate: number): SpeechAudio => (audio.sampleRate === rate ? audio : resample(audio, rate));

export const VOICE_GRAPH_INPUTS = { speaker_encoder: ['mel'], converter: ['mel', 'speaker'] } as const;

async function openGraph(root: string, name: keyof typeof VOICE_GRAPH_INPUTS, options: VoiceClonerSessionOptions): Promise<ort.InferenceSession> {
  const path = join(root, name, 'model.onnx');
  const session = await ort.InferenceSession.create(path, {
    graphOptimizationLevel: 'all',
    executionProviders: ['cpu'],
    ...(options.intraOpNumThreads ? { intraOpNumThreads: options.intraOpNumThreads } : {}),
  });
  const missing = VOICE_GRAPH_INPUTS[name].filter((input) => !session.inputNames.includes(input));
  if (missing.length) {
    await session.release();
    throw new Error(`${path} lacks the input${missing.length > 1 ? 's' : ''} ${missing.join(', ')}`);
  }
  return session;
}

export async function loadVoiceCloner(dir: string, session: VoiceClonerSessionOptions = {}): Promise<VoiceCloner> {
  const root = resolve(dir);
  const config = JSON.parse(await readFile(join(root, 'config.json'), 'utf8')) as VoiceClonerConfig;
  const f = config.features;
  const params: FeatureParams = {
    sampleRate: config.sample_rate,
    nFft: f.n_fft,
    hop: f.hop_length,
    nMels: f.n_mels,
    fMin: f.f_min,
    fMax: f.f_max,
    logFloor: f.log_floor,
  };
  const features = new FeatureExtractor(params);
  const encoder = await openGraph(root, 'speaker_encoder', session);
  const converter = await openGraph(root, 'converter', session).catch(async (err: unknown) => {
    await encoder.release();
    throw err;
  });
  const pitchOptions = {
    hop: f.hop_length,
    ...(config.vocoder.type === 'source_filter' ? { fMin: config.vocoder.f_min, fMax: config.vocoder.f_max } : {}),
  };
  /** The source's F0 contour, moved so that its median is the reference's (its shape, the intonation, kept). */
  const movedContour = (samples: Float32Array, target: number | undefined): Float64Array => {
    const contour = pitchTrack(samples, config.sample_rate, pitchOptions);
    const from = medianPitch(contour);
    const ratio = target && from ? target / from : 1;
    return contour.map((hz) => hz * ratio);
  };
  const melTensor = (audio: SpeechAudio) => {
    const mel = features.logMel(atRate(audio, config.sample_rate).samples);
    return new ort.Tensor('float32', mel.data, [1, mel.frames, mel.channels]);
  };
  const guided = async (target: Float32Array, sourceMel: ort.Tensor): Promise<Float32Array> => {
    const g = config.speaker_guidance ?? 0;
    if (!g) return Float32Array.from(target);
    const source = (await encoder.run({ mel: sourceMel }))['embedding']!.data as Float32Array;
    const pushed = Float32Array.from(target, (t, i) => t + g * (t - source[i]!));
    const norm = Math.hypot(...pushed) || 1;
    return pushed.map((v) => v / norm);
  };
  return {
    sampleRate: config.sample_rate,
    config,
    async embed(audio) {
      const out = await encoder.run({ mel: melTensor(audio) });
      const samples = atRate(audio, config.sample_rate).samples;
      return {
        embedding: Float32Array.from(out['embedding']!.data as Float32Array),
        medianF0: medianPitch(pitchTrack(samples, config.sample_rate, pitchOptions)),
      };
    },
    async convert(source, voice, options = {}) {
      const { embedding } = voice;
      if (embedding.length !== config.embedding_dim) throw new RangeError(`speaker embedding has ${embedding.length} values, expected ${config.embedding_dim}`);
      const samples = atRate(source, config.sample_rate).samples;
      const mel = melTensor({ samples, sampleRate: config.sample_rate });
      const speaker = await guided(embedding, mel);
      const out = await converter.run({ mel, speaker: new ort.Tensor('float32', speaker, [1, speaker.length]) });
      const logMagnitude = out['magnitude']!;
      const frames = logMagnitude.dims[1]!;
      const vocoder = config.vocoder;
      const stftParams = { nFft: f.n_fft, hop: f.hop_length, length: samples.length, signal: options.signal };
      const wave =
        vocoder.type === 'source_filter'
          ? await sourceFilter(logMagnitude.data as Float32Array, frames, movedContour(samples, voice.medianF0), {
              ...stftParams,
              sampleRate: config.sample_rate,
              smoothingHz: vocoder.smoothing_hz,
              breath: vocoder.breath,
            })
          : await griffinLim(Float32Array.from(logMagnitude.data as Float32Array, (v) => Math.exp(v)), frames, {
              ...stftParams,
              iterations: vocoder.iterations,
              momentum: vocoder.momentum,
            });
      let peak = 0;
      for (const v of wave) peak = Math.max(peak, Math.abs(v));
      if (peak > 0.98) for (let i = 0; i < wave.length; i++) wave[i] = (wave[i]! * 0.98) / peak;
      return { samples: wave, sampleRate: config.sample_rate };
    },
    async release() {
      await Promise.all([encoder.release(), converter.release()]);
    },
  };
}
