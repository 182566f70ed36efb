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

/**
 * Median F0 of the voiced 40 ms frames (normalised autocorrelation peak above 0.5 between 60 and
 * 400 Hz): enough to tell a voice's pitch moved, not a pitch tracker.
 */
export function medianF0(audio: SpeechAudio): number {
  const { samples, sampleRate } = audio;
  const frame = Math.round(sampleRate * 0.04);
  const minLag = Math.floor(sampleRate / 400);
  const maxLag = Math.ceil(sampleRate / 60);
  const found: number[] = [];
  for (let start = 0; start + frame + maxLag < samples.length; start += Math.round(frame / 2)) {
    let energy = 0;
    for (let i = 0; i < frame; i++) energy += samples[start + i] ** 2;
    if (energy / frame < 1e-4) continue;
    let bestLag = 0;
    let best = 0;
    for (let lag = minLag; lag <= maxLag; lag++) {
      let ab = 0;
      let bb = 0;
      for (let i = 0; i < frame; i++) {
        ab += samples[start + i] * samples[start + i + lag];
        bb += samples[start + i + lag] ** 2;
      }
      const r = ab / Math.sqrt(energy * bb + 1e-12);
      if (r > best) {
        best = r;
        bestLag = lag;
      }
    }
    if (best > 0.5) found.push(sampleRate / bestLag);
  }
  found.sort((a, b) => a - b);
  return found[Math.floor(found.length / 2)] ?? 0;
}
