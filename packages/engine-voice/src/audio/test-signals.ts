import type { SpeechAudio } from './speech-audio';

/** A test tone: `hz` at `amplitude` for `seconds`, optionally with a second tone added. */
export function tone(
  sampleRate: number,
  seconds: number,
  hz: number,
  amplitude = 0.5,
  extraHz?: number,
): SpeechAudio {
  const samples = new Float32Array(Math.round(sampleRate * seconds));
  for (let i = 0; i < samples.length; i++) {
    const t = i / sampleRate;
    samples[i] =
      amplitude * Math.sin(2 * Math.PI * hz * t) +
      (extraHz ? amplitude * Math.sin(2 * Math.PI * extraHz * t) : 0);
  }
  return { samples, sampleRate };
}

/** Pearson correlation of the common prefix of a and b. */
export function correlation(a: Float32Array, b: Float32Array): number {
  const n = Math.min(a.length, b.length);
  let ma = 0;
  let mb = 0;
  for (let i = 0; i < n; i++) {
    ma += a[i];
    mb += b[i];
  }
  ma /= n;
  mb /= n;
  let ab = 0;
  let aa = 0;
  let bb = 0;
  for (let i = 0; i < n; i++) {
    ab += (a[i] - ma) * (b[i] - mb);
    aa += (a[i] - ma) ** 2;
    bb += (b[i] - mb) ** 2;
  }
  return ab / Math.sqrt(aa * bb);
}

/** Root mean square of the samples. */
export function rms(samples: Float32Array): number {
  let sum = 0;
  for (const s of samples) sum += s * s;
  return Math.sqrt(sum / Math.max(1, samples.length));
}
