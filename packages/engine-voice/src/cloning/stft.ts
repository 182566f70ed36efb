import { Fft } from './fft';

/** The framing torch.stft uses with center=True, pad_mode='reflect' and a periodic Hann window. */
export interface StftParams {
  nFft: number;
  hop: number;
}

export function hannWindow(n: number): Float64Array {
  const w = new Float64Array(n);
  for (let i = 0; i < n; i++) w[i] = 0.5 - 0.5 * Math.cos((2 * Math.PI * i) / n);
  return w;
}

export function frameCount(samples: number, p: StftParams): number {
  return 1 + Math.floor(samples / p.hop);
}

function reflect(i: number, n: number): number {
  if (n === 1) return 0;
  const period = 2 * (n - 1);
  let j = ((i % period) + period) % period;
  if (j >= n) j = period - j;
  return j;
}

/** Complex spectra, frame-major: re/im are [frames × (nFft/2 + 1)]. */
export interface Spectrum {
  frames: number;
  bins: number;
  re: Float64Array;
  im: Float64Array;
}

export function stft(samples: Float32Array | Float64Array, p: StftParams, fft = new Fft(p.nFft), window = hannWindow(p.nFft)): Spectrum {
  const { nFft, hop } = p;
  const bins = nFft / 2 + 1;
  const frames = frameCount(samples.length, p);
  const re = new Float64Array(frames * bins);
  const im = new Float64Array(frames * bins);
  const fr = new Float64Array(nFft);
  const fi = new Float64Array(nFft);
  const pad = nFft / 2;
  const n = samples.length;
  for (let f = 0; f < frames; f++) {
    const start = f * hop - pad;
    for (let i = 0; i < nFft; i++) {
      const k = start + i;
      const x = n === 0 ? 0 : samples[k >= 0 && k < n ? k : reflect(k, n)]!;
      fr[i] = x * window[i]!;
      fi[i] = 0;
    }
    fft.transform(fr, fi);
    re.set(fr.subarray(0, bins), f * bins);
    im.set(fi.subarray(0, bins), f * bins);
  }
  return { frames, bins, re, im };
}

/**
 * Overlap-add inverse of `stft` (torch.istft with center=True): each frame's inverse FFT times
 * the window, summed, divided by the summed squared window, the centre padding cut off.
 */
export function istft(spec: Spectrum, p: StftParams, length: number, fft = new Fft(p.nFft), window = hannWindow(p.nFft)): Float32Array {
  const { nFft, hop } = p;
  const { frames, bins } = spec;
  const total = nFft + hop * (frames - 1);
  const acc = new Float64Array(total);
  const norm = new Float64Array(total);
  const fr = new Float64Array(nFft);
  const fi = new Float64Array(nFft);
  for (let f = 0; f < frames; f++) {
    for (let k = 0; k < bins; k++) {
      fr[k] = spec.re[f * bins + k]!;
      fi[k] = spec.im[f * bins + k]!;
    }
    for (let k = 1; k < nFft / 2; k++) {
      fr[nFft - k] = fr[k]!;
      fi[nFft - k] = -fi[k]!;
    }
    fft.transform(fr, fi, true);
    const start = f * hop;
    for (let i = 0; i < nFft; i++) {
      acc[start + i]! += (fr[i]! / nFft) * window[i]!;
      norm[start + i]! += window[i]! * window[i]!;
    }
  }
  const out = new Float32Array(length);
  const pad = nFft / 2;
  for (let i = 0; i < length && i + pad < total; i++) {
    const w = norm[i + pad]!;
    out[i] = w > 1e-11 ? acc[i + pad]! / w : 0;
  }
  return out;
}
