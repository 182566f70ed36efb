import type { SpeechAudio } from './speech-audio';

/** Zero crossings of the sinc on each side (at the lower of the two rates): the filter's length. */
const HALF_WIDTH = 16;

/**
 * Band-limited resampling by a Kaiser-windowed sinc. The cutoff sits at 0.95 × the lower Nyquist
 * frequency, so downsampling removes what the new rate cannot hold instead of folding it back.
 * The output has round(n × rate / sampleRate) samples, aligned on the first input sample.
 */
export function resample(audio: SpeechAudio, rate: number): SpeechAudio {
  if (!(rate > 0) || !Number.isInteger(rate))
    throw new RangeError(`sample rate must be a positive integer (got ${rate})`);
  if (rate === audio.sampleRate) return { samples: audio.samples.slice(), sampleRate: rate };
  const { samples, sampleRate } = audio;
  const ratio = rate / sampleRate;
  const cutoff = 0.95 * Math.min(1, ratio); // in cycles per input sample × 2
  const radius = HALF_WIDTH / cutoff; // in input samples
  const out = new Float32Array(Math.round(samples.length * ratio));
  for (let j = 0; j < out.length; j++) {
    const centre = j / ratio;
    const first = Math.max(0, Math.ceil(centre - radius));
    const last = Math.min(samples.length - 1, Math.floor(centre + radius));
    let sum = 0;
    for (let i = first; i <= last; i++) {
      const x = i - centre;
      sum += samples[i] * cutoff * sinc(cutoff * x) * kaiser(x / radius);
    }
    out[j] = sum;
  }
  return { samples: out, sampleRate: rate };
}

function sinc(x: number): number {
  if (x === 0) return 1;
  const px = Math.PI * x;
  return Math.sin(px) / px;
}

const BETA = 8.6; // about 90 dB stopband
const I0_BETA = besselI0(BETA);

/** The Kaiser window at t in [-1, 1]. */
function kaiser(t: number): number {
  if (t <= -1 || t >= 1) return 0;
  return besselI0(BETA * Math.sqrt(1 - t * t)) / I0_BETA;
}

function besselI0(x: number): number {
  let sum = 1;
  let term = 1;
  for (let k = 1; k < 40; k++) {
    term *= (x / (2 * k)) ** 2;
    sum += term;
    if (term < 1e-12 * sum) break;
  }
  return sum;
}
