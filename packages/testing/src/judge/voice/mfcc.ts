import { FeatureExtractor } from '@easel/engine-voice';
import { resample } from '@easel/engine-voice';
import type { JudgedAudio } from './f0';

/** The judge's own features (features.py JUDGE): 32 ms windows, 10 ms hop, 40 bands, 20 coefficients. */
export const JUDGE_FEATURES = {
  sampleRate: 16_000,
  nFft: 512,
  hop: 160,
  nMels: 40,
  fMin: 20,
  fMax: 7600,
  logFloor: 1e-5,
};
export const N_MFCC = 20;

let extractor: FeatureExtractor | undefined;
let dct: Float64Array | undefined;

/** Orthonormal DCT-II rows 0..N_MFCC-1, as features.py's dct_matrix. */
function dctMatrix(nIn: number): Float64Array {
  const m = new Float64Array(N_MFCC * nIn);
  for (let k = 0; k < N_MFCC; k++) {
    for (let i = 0; i < nIn; i++) {
      m[k * nIn + i] =
        Math.cos((Math.PI / nIn) * (i + 0.5) * k) * Math.sqrt(2 / nIn) * (k === 0 ? Math.SQRT1_2 : 1);
    }
  }
  return m;
}

/** MFCCs [frames × 20] (c0 included) of audio brought to 16 kHz. */
export function mfcc(audio: JudgedAudio): { frames: number; data: Float32Array } {
  extractor ??= new FeatureExtractor(JUDGE_FEATURES);
  dct ??= dctMatrix(JUDGE_FEATURES.nMels);
  const mel = extractor.logMel((audio.sampleRate === JUDGE_FEATURES.sampleRate ? audio : resample(audio, JUDGE_FEATURES.sampleRate)).samples);
  const nIn = mel.channels;
  const data = new Float32Array(mel.frames * N_MFCC);
  for (let f = 0; f < mel.frames; f++) {
    for (let k = 0; k < N_MFCC; k++) {
      let s = 0;
      for (let i = 0; i < nIn; i++) s += dct[k * nIn + i]! * mel.data[f * nIn + i]!;
      data[f * N_MFCC + k] = s;
    }
  }
  return { frames: mel.frames, data };
}
