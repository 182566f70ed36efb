import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import * as ort from 'onnxruntime-node';
import type { SpeechAudio } from '../audio/speech-audio';
import { griffinLim } from './griffin-lim';
import { FeatureExtractor, type FeatureParams } from './mel';
import { resample } from '../audio/resample';
import type { Speaker } from './speaker-variant';

/** models/easel-tiny-voice/config.json (written by models/training/voice/train.py). */
export interface VoiceClonerConfig {
  sample_rate: number;
  features: { n_fft: number; hop_length: number; n_mels: number; f_min: number; f_max: number; log_floor: number };
  embedding_dim: number;
  converter_output: 'log_magnitude';
  vocoder: { type: 'griffin_lim'; iterations: number; momentum?: number };
  /** The flite speaker text_to_audio converts from when it clones a voice. */
  default_source: Speaker;
}

/** A speaker encoder + converter + Griffin-Lim, loaded from a model directory. */
export interface VoiceCloner {
  /** The rate the models work at; convert() answers at this rate. */
  sampleRate: number;
  config: VoiceClonerConfig;
  /** The speaker embedding of a reference recording (unit length, config.embedding_dim values). */
  embed(audio: SpeechAudio): Promise<Float32Array>;
  /** `source`'s words, timing and intonation contour in the voice of `speaker` (an embed() result). */
  convert(source: SpeechAudio, speaker: Float32Array, options?: { signal?: AbortSignal }): Promise<SpeechAudio>;
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
  const melTensor = (audio: SpeechAudio) => {
    const mel = features.logMel(atRate(audio, config.sample_rate).samples);
    return new ort.Tensor('float32', mel.data, [1, mel.frames, mel.channels]);
  };
  return {
    sampleRate: config.sample_rate,
    config,
    async embed(audio) {
      const out = await encoder.run({ mel: melTensor(audio) });
      return Float32Array.from(out['embedding']!.data as Float32Array);
    },
    async convert(source, speaker, options = {}) {
      if (speaker.length !== config.embedding_dim) throw new RangeError(`speaker embedding has ${speaker.length} values, expected ${config.embedding_dim}`);
      const samples = atRate(source, config.sample_rate).samples;
      const mel = melTensor({ samples, sampleRate: config.sample_rate });
      const out = await converter.run({ mel, speaker: new ort.Tensor('float32', Float32Array.from(speaker), [1, speaker.length]) });
      const logMagnitude = out['magnitude']!;
      const frames = logMagnitude.dims[1]!;
      const magnitude = Float32Array.from(logMagnitude.data as Float32Array, (v) => Math.exp(v));
      const wave = await griffinLim(magnitude, frames, {
        nFft: f.n_fft,
        hop: f.hop_length,
        iterations: config.vocoder.iterations,
        momentum: config.vocoder.momentum,
        length: samples.length,
        signal: options.signal,
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
