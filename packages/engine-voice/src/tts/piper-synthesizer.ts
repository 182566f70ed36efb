import * as ort from 'onnxruntime-node';
import { concatAudio } from '../audio/levels';
import type { SpeechAudio } from '../audio/speech-audio';
import { phonemizeEnglish } from './flite-phonemizer';
import { phonemeIds, type PiperVoice } from './piper-voice';
import { checkOptions, type SpeechSynthesizer, type SynthesisOptions } from './speech-synthesizer';

/** Silence between sentences, as Piper's own `sentence_silence` default. */
const SENTENCE_SILENCE = 0.2;

export interface PiperSynthesizerOptions {
  /**
   * 'sampled' (default): the voice's noise_scale and noise_w, as Piper speaks. VITS draws its noise
   * inside the graph (RandomNormalLike, unseeded), so the same text sounds slightly different, and
   * lasts slightly differently, each time, and `seed` cannot change that. 'none': both scales 0,
   * so the same text and options give the same samples (flatter prosody).
   */
  noise?: 'sampled' | 'none';
}

/**
 * Piper-format VITS voices over onnxruntime-node. English only: text is phonemized by Flite and
 * mapped to espeak-ng's IPA (see flite-phonemizer.ts) since espeak-ng (GPL) is not shipped.
 * A voice with several speakers takes `voice` as a speaker name; one speaker takes its own name.
 */
export class PiperSynthesizer implements SpeechSynthesizer {
  readonly id: string;

  constructor(
    private readonly voice: PiperVoice,
    private readonly options: PiperSynthesizerOptions = {},
  ) {
    this.id = `piper:${voice.name}`;
    if (voice.config.phonemeType !== 'espeak' || !voice.config.espeakVoice.startsWith('en')) {
      throw new Error(
        `${voice.name} speaks ${voice.config.espeakVoice} (${voice.config.phonemeType} phonemes); only English espeak-phoneme voices are supported`,
      );
    }
  }

  voices(): string[] {
    const speakers = Object.keys(this.voice.config.speakerIdMap);
    return this.voice.config.numSpeakers > 1 && speakers.length > 0 ? speakers : [this.voice.name];
  }

  async synthesize(text: string, options: SynthesisOptions = {}): Promise<SpeechAudio> {
    checkOptions(this, options);
    const { config, session } = this.voice;
    const sentences = await phonemizeEnglish(text);
    if (sentences.length === 0) throw new RangeError('text has nothing to say');
    const quiet = this.options.noise === 'none';
    const scales = Float32Array.of(
      quiet ? 0 : config.noiseScale,
      config.lengthScale / (options.speed ?? 1),
      quiet ? 0 : config.noiseW,
    );
    const speaker =
      config.numSpeakers > 1 ? (config.speakerIdMap[options.voice ?? this.voices()[0]] ?? 0) : undefined;
    const parts: SpeechAudio[] = [];
    for (const sentence of sentences) {
      options.signal?.throwIfAborted();
      const { ids } = phonemeIds(sentence.ipa, config.phonemeIdMap);
      const feeds: Record<string, ort.Tensor> = {
        input: new ort.Tensor('int64', BigInt64Array.from(ids, BigInt), [1, ids.length]),
        input_lengths: new ort.Tensor('int64', BigInt64Array.of(BigInt(ids.length)), [1]),
        scales: new ort.Tensor('float32', scales, [3]),
      };
      if (speaker !== undefined && session.inputNames.includes('sid'))
        feeds.sid = new ort.Tensor('int64', BigInt64Array.of(BigInt(speaker)), [1]);
      const result = await session.run(feeds);
      const output = result[session.outputNames[0]];
      parts.push({ samples: Float32Array.from(output.data as Float32Array), sampleRate: config.sampleRate });
    }
    return concatAudio(parts, SENTENCE_SILENCE);
  }
}
