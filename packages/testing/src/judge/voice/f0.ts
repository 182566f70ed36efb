/** What `medianF0` reads: mono samples at a rate. */
export interface JudgedAudio {
  samples: Float32Array;
  sampleRate: number;
}

export interface F0Options {
  fMin?: number;
  fMax?: number;
  /** YIN's threshold on the cumulative-mean-normalised difference. */
  threshold?: number;
  /** Seconds between frames. */
  hopSeconds?: number;
}

/**
 * F0 per frame by YIN (de Cheveigné & Kawahara 2002: difference function, cumulative mean
 * normalisation, absolute threshold, parabolic interpolation); 0 where the frame is unvoiced
 * (no dip under the threshold, or under 2 % of the loudest frame's energy).
 */
export function f0Track(audio: JudgedAudio, options: F0Options = {}): Float64Array {
  const { fMin = 60, fMax = 450, threshold = 0.15, hopSeconds = 0.01 } = options;
  const { samples, sampleRate } = audio;
  const maxLag = Math.ceil(sampleRate / fMin);
  const minLag = Math.floor(sampleRate / fMax);
  const win = maxLag;
  const hop = Math.max(1, Math.round(hopSeconds * sampleRate));
  const frames = samples.length >= win + maxLag ? 1 + Math.floor((samples.length - win - maxLag) / hop) : 0;
  const energies = new Float64Array(frames);
  for (let f = 0; f < frames; f++) {
    let e = 0;
    for (let i = 0; i < win; i++) e += samples[f * hop + i]! ** 2;
    energies[f] = e;
  }
  const loudest = energies.reduce((a, b) => Math.max(a, b), 0);
  const out = new Float64Array(frames);
  const d = new Float64Array(maxLag + 2);
  for (let f = 0; f < frames; f++) {
    if (energies[f]! < 0.02 * loudest) continue;
    const start = f * hop;
    for (let lag = 1; lag <= maxLag + 1; lag++) {
      let s = 0;
      for (let i = 0; i < win; i++) {
        const diff = samples[start + i]! - samples[start + i + lag]!;
        s += diff * diff;
      }
      d[lag] = s;
    }
    // cumulative mean normalised difference, in place
    let running = 0;
    for (let lag = 1; lag <= maxLag + 1; lag++) {
      running += d[lag]!;
      d[lag] = running > 0 ? (d[lag]! * lag) / running : 1;
    }
    let best = -1;
    for (let lag = minLag; lag <= maxLag; lag++) {
      if (d[lag]! < threshold) {
        while (lag + 1 <= maxLag && d[lag + 1]! < d[lag]!) lag++;
        best = lag;
        break;
      }
    }
    if (best < 0) continue;
    const [a, b, c] = [d[best - 1] ?? d[best]!, d[best]!, d[best + 1]!];
    const denom = a - 2 * b + c;
    const shift = denom > 0 ? (0.5 * (a - c)) / denom : 0;
    out[f] = sampleRate / (best + Math.max(-1, Math.min(1, shift)));
  }
  return out;
}

/** The median F0 over voiced frames, or NaN when no frame is voiced. */
export function medianF0(audio: JudgedAudio, options?: F0Options): number {
  const voiced = Array.from(f0Track(audio, options)).filter((f) => f > 0);
  if (voiced.length === 0) return Number.NaN;
  voiced.sort((x, y) => x - y);
  const mid = voiced.length >> 1;
  return voiced.length % 2 ? voiced[mid]! : (voiced[mid - 1]! + voiced[mid]!) / 2;
}
