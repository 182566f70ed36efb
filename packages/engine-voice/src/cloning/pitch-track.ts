export interface PitchTrackOptions {
  /** Samples between frames; frame f is centred on sample f × hop (the STFT's centred framing). */
  hop: number;
  fMin?: number;
  fMax?: number;
  /** The normalised cross-correlation a frame's best lag must reach to count as voiced. */
  voicing?: number;
}

/**
 * F0 per frame (0 where unvoiced) from the normalised cross-correlation function (the first pass
 * of Talkin's RAPT): for each lag, the correlation of a 25 ms window with the window `lag` samples
 * later, normalised by both windows' energies. The smallest lag whose peak comes within 15 % of
 * the best is taken, which keeps multiples of the period (octave-low errors) out; parabolic
 * interpolation refines it. Frames under 1 % of the loudest frame's energy are unvoiced.
 */
export function pitchTrack(samples: Float32Array, sampleRate: number, options: PitchTrackOptions): Float64Array {
  const { hop, fMin = 60, fMax = 400, voicing = 0.5 } = options;
  const minLag = Math.floor(sampleRate / fMax);
  const maxLag = Math.ceil(sampleRate / fMin);
  const win = Math.round(0.025 * sampleRate);
  const frames = 1 + Math.floor(samples.length / hop);
  const out = new Float64Array(frames);
  const at = (i: number) => (i >= 0 && i < samples.length ? samples[i]! : 0);
  const energy = new Float64Array(frames);
  for (let f = 0; f < frames; f++) {
    const start = f * hop - (win >> 1);
    let e = 0;
    for (let i = 0; i < win; i++) e += at(start + i) ** 2;
    energy[f] = e;
  }
  const loudest = energy.reduce((a, b) => Math.max(a, b), 0);
  const nccf = new Float64Array(maxLag + 2);
  for (let f = 0; f < frames; f++) {
    if (!(energy[f]! > 0.01 * loudest)) continue;
    const start = f * hop - (win >> 1);
    const e0 = energy[f]!;
    let best = 0;
    for (let lag = minLag - 1; lag <= maxLag + 1; lag++) {
      let cross = 0;
      let e1 = 0;
      for (let i = 0; i < win; i++) {
        const y = at(start + i + lag);
        cross += at(start + i) * y;
        e1 += y * y;
      }
      nccf[lag] = cross / Math.sqrt(e0 * e1 + 1e-12);
      if (lag >= minLag && lag <= maxLag) best = Math.max(best, nccf[lag]!);
    }
    if (best < voicing) continue;
    for (let lag = minLag; lag <= maxLag; lag++) {
      const v = nccf[lag]!;
      if (v >= 0.85 * best && v >= nccf[lag - 1]! && v >= nccf[lag + 1]!) {
        const [a, b, c] = [nccf[lag - 1]!, v, nccf[lag + 1]!];
        const denom = a - 2 * b + c;
        const shift = denom < 0 ? (0.5 * (a - c)) / denom : 0;
        out[f] = sampleRate / (lag + Math.max(-0.5, Math.min(0.5, shift)));
        break;
      }
    }
  }
  return medianOfThree(out);
}

/** A 3-frame median over voiced runs: one-frame octave jumps and spikes go, voicing edges stay. */
function medianOfThree(track: Float64Array): Float64Array {
  const out = Float64Array.from(track);
  for (let f = 1; f + 1 < track.length; f++) {
    const [a, b, c] = [track[f - 1]!, track[f]!, track[f + 1]!];
    if (a > 0 && b > 0 && c > 0) out[f] = Math.max(Math.min(a, b), Math.min(Math.max(a, b), c));
  }
  return out;
}

/** The median of the voiced frames' F0, or undefined when none is voiced. */
export function medianPitch(track: Float64Array): number | undefined {
  const voiced = Array.from(track).filter((f) => f > 0).sort((a, b) => a - b);
  if (voiced.length === 0) return undefined;
  const mid = voiced.length >> 1;
  return voiced.length % 2 ? voiced[mid]! : (voiced[mid - 1]! + voiced[mid]!) / 2;
}
