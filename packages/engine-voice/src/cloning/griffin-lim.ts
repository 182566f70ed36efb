import { Fft } from './fft';
import { hannWindow, istft, stft, type Spectrum, type StftParams } from './stft';

export interface GriffinLimOptions extends StftParams {
  iterations: number;
  /** Fast Griffin-Lim's momentum (Perraudin et al. 2013); 0 is the classic algorithm. */
  momentum?: number;
  /** Samples of the result (the source's length); the frames' span when absent. */
  length?: number;
  signal?: AbortSignal;
}

/** The same pseudo-random start phase for the same input: outputs are reproducible byte for byte. */
function startPhase(n: number): Float64Array {
  let a = 0x9e3779b9;
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    out[i] = (((t ^ (t >>> 14)) >>> 0) / 4294967296) * 2 * Math.PI;
  }
  return out;
}

/**
 * A waveform whose STFT magnitude approaches `magnitude` ([frames × (nFft/2 + 1)], linear), by
 * fast Griffin-Lim as librosa.griffinlim runs it: alternate projections between the consistent
 * spectrograms and those with the asked magnitude, with momentum on the phase.
 */
export async function griffinLim(magnitude: Float32Array, frames: number, options: GriffinLimOptions): Promise<Float32Array> {
  const { nFft, hop, iterations, momentum = 0.99, signal } = options;
  const bins = nFft / 2 + 1;
  if (magnitude.length !== frames * bins) throw new RangeError(`magnitude has ${magnitude.length} values, expected ${frames} × ${bins}`);
  const length = options.length ?? hop * (frames - 1);
  const fft = new Fft(nFft);
  const window = hannWindow(nFft);
  const phase = startPhase(frames * bins);
  const angRe = new Float64Array(frames * bins);
  const angIm = new Float64Array(frames * bins);
  for (let i = 0; i < angRe.length; i++) {
    angRe[i] = Math.cos(phase[i]!);
    angIm[i] = Math.sin(phase[i]!);
  }
  const target: Spectrum = { frames, bins, re: new Float64Array(frames * bins), im: new Float64Array(frames * bins) };
  const apply = () => {
    for (let i = 0; i < angRe.length; i++) {
      target.re[i] = magnitude[i]! * angRe[i]!;
      target.im[i] = magnitude[i]! * angIm[i]!;
    }
  };
  const prevRe = new Float64Array(frames * bins);
  const prevIm = new Float64Array(frames * bins);
  const mix = momentum / (1 + momentum);
  for (let it = 0; it < iterations; it++) {
    if (signal?.aborted) throw signal.reason ?? new Error('aborted');
    apply();
    const rebuilt = stft(istft(target, options, length, fft, window), options, fft, window);
    for (let i = 0; i < angRe.length; i++) {
      const re = rebuilt.re[i]! - mix * prevRe[i]!;
      const im = rebuilt.im[i]! - mix * prevIm[i]!;
      const norm = Math.hypot(re, im) + 1e-16;
      angRe[i] = re / norm;
      angIm[i] = im / norm;
      prevRe[i] = rebuilt.re[i]!;
      prevIm[i] = rebuilt.im[i]!;
    }
    // yield now and then so an abort (and the event loop) is heard during long conversions
    if (it % 8 === 7) await new Promise((resolve) => setImmediate(resolve));
  }
  apply();
  return istft(target, options, length, fft, window);
}
