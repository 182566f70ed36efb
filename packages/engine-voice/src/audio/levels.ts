import type { SpeechAudio } from './speech-audio';

/** Scales the audio so that its largest magnitude is `peak` (silence stays silent). */
export function peakNormalize(audio: SpeechAudio, peak = 0.95): SpeechAudio {
  let max = 0;
  for (const s of audio.samples) max = Math.max(max, Math.abs(s));
  if (max === 0) return { samples: audio.samples.slice(), sampleRate: audio.sampleRate };
  const gain = peak / max;
  return { samples: audio.samples.map((s) => s * gain), sampleRate: audio.sampleRate };
}

export interface TrimOptions {
  /** Level below which a 10 ms frame counts as silent, in dB below the loudest frame (default 40). */
  belowPeakDb?: number;
  /** Silence kept at each end, in seconds (default 0.05). */
  keepSeconds?: number;
}

/**
 * Cuts leading and trailing silence: frames of 10 ms whose RMS is more than `belowPeakDb` under the
 * loudest frame's. All-silent audio comes back empty.
 */
export function trimSilence(audio: SpeechAudio, options: TrimOptions = {}): SpeechAudio {
  const { samples, sampleRate } = audio;
  const frame = Math.max(1, Math.round(sampleRate / 100));
  const frames = Math.ceil(samples.length / frame);
  const rms = new Float64Array(frames);
  for (let f = 0; f < frames; f++) {
    const part = samples.subarray(f * frame, (f + 1) * frame);
    let sum = 0;
    for (const s of part) sum += s * s;
    rms[f] = Math.sqrt(sum / part.length);
  }
  const loudest = Math.max(0, ...rms);
  if (loudest === 0) return { samples: new Float32Array(0), sampleRate };
  const threshold = loudest * 10 ** (-(options.belowPeakDb ?? 40) / 20);
  const firstLoud = rms.findIndex((r) => r >= threshold);
  let lastLoud = frames - 1;
  while (rms[lastLoud] < threshold) lastLoud--;
  const keep = Math.round((options.keepSeconds ?? 0.05) * sampleRate);
  const start = Math.max(0, firstLoud * frame - keep);
  const end = Math.min(samples.length, (lastLoud + 1) * frame + keep);
  return { samples: samples.slice(start, end), sampleRate };
}

/** The parts one after another, `gapSeconds` of silence between them; all must share one rate. */
export function concatAudio(parts: readonly SpeechAudio[], gapSeconds = 0): SpeechAudio {
  if (parts.length === 0) throw new RangeError('nothing to concatenate');
  const sampleRate = parts[0].sampleRate;
  if (parts.some((p) => p.sampleRate !== sampleRate))
    throw new RangeError('parts have different sample rates');
  const gap = Math.round(gapSeconds * sampleRate);
  const total = parts.reduce((n, p) => n + p.samples.length, 0) + gap * (parts.length - 1);
  const samples = new Float32Array(total);
  let at = 0;
  parts.forEach((p, i) => {
    samples.set(p.samples, at);
    at += p.samples.length + (i < parts.length - 1 ? gap : 0);
  });
  return { samples, sampleRate };
}
