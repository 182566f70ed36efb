import { Fft } from './fft';
import { hannWindow, istft, stft, type StftParams } from './stft';

export interface SourceFilterOptions extends StftParams {
  /** Samples of the result (the source's length). */
  length: number;
  sampleRate: number;
  /** Half-width in Hz of the smoothing that takes an unvoiced frame's envelope (a voiced frame's is its F0). */
  smoothingHz: number;
  /** Level of the noise mixed into voiced frames, relative to the pulses (breath above the harmonics). */
  breath: number;
  signal?: AbortSignal;
}

/** A deterministic white noise (xorshift32): the same input gives the same bytes. */
function noise(n: number): Float64Array {
  let s = 0x2545f491;
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    out[i] = ((s >>> 0) / 4294967296) * 2 - 1;
  }
  return out;
}

/**
 * The excitation: one unit pulse per period where a frame is voiced (the phase advancing with F0
 * interpolated sample by sample) plus breath noise, and noise alone where it is unvoiced.
 */
function excitation(f0: Float64Array, options: SourceFilterOptions): Float64Array {
  const { hop, length, sampleRate, breath } = options;
  const out = noise(length);
  let phase = 0;
  for (let i = 0; i < length; i++) {
    const pos = i / hop;
    const f = Math.min(f0.length - 1, Math.floor(pos));
    const [a, b] = [f0[f]!, f0[Math.min(f0.length - 1, f + 1)]!];
    const hz = a > 0 && b > 0 ? a + (b - a) * (pos - f) : a > 0 ? a : b;
    if (!(hz > 0) || f0[Math.round(Math.min(f0.length - 1, pos))]! <= 0) {
      phase = 0;
      continue;
    }
    out[i]! *= breath;
    phase += hz / sampleRate;
    if (phase >= 1) {
      phase -= 1;
      out[i]! += Math.sqrt(sampleRate / hz);
    }
  }
  return out;
}

/**
 * A source-filter vocoder: the converter's log-magnitude frames, smoothed to their spectral envelope
 * (the voice's timbre), filter an excitation made at the asked F0 contour. The
 * pitch is therefore the one asked for, and the harmonics are real ones, where Griffin-Lim has to
 * guess a phase for whatever harmonics the converter drew.
 */
export async function sourceFilter(
  logMagnitude: Float32Array,
  frames: number,
  f0: Float64Array,
  options: SourceFilterOptions,
): Promise<Float32Array> {
  const { nFft, sampleRate, smoothingHz, signal } = options;
  const bins = nFft / 2 + 1;
  if (logMagnitude.length !== frames * bins) throw new RangeError(`magnitude has ${logMagnitude.length} values, expected ${frames} × ${bins}`);
  if (f0.length !== frames) throw new RangeError(`F0 has ${f0.length} frames, expected ${frames}`);
  const fft = new Fft(nFft);
  const window = hannWindow(nFft);
  const spec = stft(excitation(f0, options), options, fft, window);
  const binHz = sampleRate / nFft;
  const power = new Float64Array(bins);
  const envelope = new Float64Array(bins);
  for (let f = 0; f < frames; f++) {
    if (f % 64 === 63) {
      if (signal?.aborted) throw signal.reason ?? new Error('aborted');
      await new Promise((resolve) => setImmediate(resolve));
    }
    // the envelope: the predicted power averaged over one harmonic spacing (a triangle of half-width
    // F0), so each band keeps the power the converter put in it, peaks included (what the ear and
    // a mel filterbank hear), without the converter's own harmonics.
    const half = Math.max(1, Math.round(Math.max(f0[f]!, smoothingHz) / binHz));
    for (let k = 0; k < bins; k++) power[k] = Math.exp(2 * logMagnitude[f * bins + k]!);
    for (let k = 0; k < bins; k++) {
      let sum = 0;
      let weights = 0;
      for (let j = -half + 1; j < half; j++) {
        const i = k + j;
        if (i < 0 || i >= bins) continue;
        const w = half - Math.abs(j);
        sum += w * power[i]!;
        weights += w;
      }
      envelope[k] = Math.sqrt(sum / weights);
    }
    // the excitation frame brought to unit mean power, so loudness follows the envelope alone
    let total = 0;
    for (let k = 0; k < bins; k++) total += spec.re[f * bins + k]! ** 2 + spec.im[f * bins + k]! ** 2;
    const norm = total > 0 ? 1 / Math.sqrt(total / bins) : 0;
    for (let k = 0; k < bins; k++) {
      const gain = envelope[k]! * norm;
      spec.re[f * bins + k]! *= gain;
      spec.im[f * bins + k]! *= gain;
    }
  }
  return istft(spec, options, options.length, fft, window);
}
