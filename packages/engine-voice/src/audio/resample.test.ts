import { concatAudio, peakNormalize, trimSilence } from './levels';
import { resample } from './resample';
import { correlation, rms, tone } from './test-signals';

describe('resample', () => {
  it('keeps a tone below both Nyquist frequencies, its duration and its level', () => {
    const source = tone(16000, 0.5, 440);
    const up = resample(source, 22050);
    expect(up.sampleRate).toBe(22050);
    expect(up.samples.length).toBe(Math.round(8000 * (22050 / 16000)));
    const expected = tone(22050, 0.5, 440);
    const middle = (a: Float32Array) => a.subarray(1000, a.length - 1000);
    expect(correlation(middle(up.samples), middle(expected.samples))).toBeGreaterThan(0.999);
    expect(Math.abs(rms(middle(up.samples)) - rms(middle(expected.samples)))).toBeLessThan(0.005);
  });

  it('removes what the lower rate cannot hold instead of folding it back', () => {
    // 7 kHz cannot live at 8 kHz (Nyquist 4 kHz): a naive resampler would alias it to 1 kHz.
    const down = resample(tone(44100, 0.5, 7000), 8000);
    expect(rms(down.samples.subarray(200, down.samples.length - 200))).toBeLessThan(0.01);
    const kept = resample(tone(44100, 0.5, 1000), 8000);
    expect(rms(kept.samples.subarray(200, kept.samples.length - 200))).toBeGreaterThan(0.34);
  });

  it('refuses a rate that is not a positive integer', () => {
    expect(() => resample(tone(8000, 0.1, 100), 0)).toThrow(RangeError);
    expect(() => resample(tone(8000, 0.1, 100), 22050.5)).toThrow(RangeError);
  });
});

describe('levels', () => {
  it('peakNormalize scales the loudest sample to the peak', () => {
    const out = peakNormalize(tone(8000, 0.1, 100, 0.1), 0.9);
    expect(Math.max(...out.samples.map(Math.abs))).toBeCloseTo(0.9, 5);
    expect(peakNormalize({ samples: new Float32Array(5), sampleRate: 8000 }).samples).toEqual(
      new Float32Array(5),
    );
  });

  it('trimSilence cuts quiet ends but keeps a margin', () => {
    const silence = new Float32Array(8000);
    const speech = tone(8000, 0.5, 200).samples;
    const audio = { samples: Float32Array.from([...silence, ...speech, ...silence]), sampleRate: 8000 };
    const trimmed = trimSilence(audio, { keepSeconds: 0.05 });
    expect(trimmed.samples.length / 8000).toBeGreaterThan(0.5);
    expect(trimmed.samples.length / 8000).toBeLessThan(0.62);
    expect(trimSilence({ samples: new Float32Array(100), sampleRate: 8000 }).samples).toHaveLength(0);
  });

  it('concatAudio puts parts in order with silent gaps and refuses mixed rates', () => {
    const a = { samples: Float32Array.of(1, 1), sampleRate: 10 };
    const b = { samples: Float32Array.of(2), sampleRate: 10 };
    expect(Array.from(concatAudio([a, b], 0.2).samples)).toEqual([1, 1, 0, 0, 2]);
    expect(() => concatAudio([a, { samples: b.samples, sampleRate: 20 }])).toThrow(RangeError);
  });
});
