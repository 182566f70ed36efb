import { FeatureExtractor } from './mel';
import { medianPitch, pitchTrack } from './pitch-track';
import { sourceFilter } from './source-filter';
import { speakSpeaker } from './speaker-variant';

const RATE = 16_000;
const HOP = 256;
const N_FFT = 1024;
const FEATURES = { sampleRate: RATE, nFft: N_FFT, hop: HOP, nMels: 80, fMin: 0, fMax: 8000, logFloor: 1e-5 };

/** A vowel-like buzz: harmonics of f0 falling off as 1/h, for `seconds`. */
function buzz(f0: number, seconds: number): Float32Array {
  const out = new Float32Array(Math.round(RATE * seconds));
  for (let i = 0; i < out.length; i++)
    for (let h = 1; h * f0 < 4000; h++) out[i]! += (0.2 / h) * Math.sin((2 * Math.PI * f0 * h * i) / RATE);
  return out;
}

/** A log-magnitude spectrogram with one resonance at `peakHz` over a falling slope, the same every frame. */
function resonance(frames: number, peakHz: number, height = 3): Float32Array {
  const bins = N_FFT / 2 + 1;
  const out = new Float32Array(frames * bins);
  for (let f = 0; f < frames; f++)
    for (let k = 0; k < bins; k++) {
      const hz = (k * RATE) / N_FFT;
      out[f * bins + k] = -hz / 2000 + height * Math.exp(-(((hz - peakHz) / 150) ** 2));
    }
  return out;
}

/** Mean power of the middle frames in a band, from the signal's own STFT. */
function bandPower(samples: Float32Array, lowHz: number, highHz: number): number {
  const mag = new FeatureExtractor(FEATURES).logMagnitude(samples);
  let sum = 0;
  let n = 0;
  for (let f = Math.floor(mag.frames / 4); f < Math.floor((3 * mag.frames) / 4); f++)
    for (let k = Math.ceil((lowHz * N_FFT) / RATE); k <= Math.floor((highHz * N_FFT) / RATE); k++) {
      sum += Math.exp(2 * mag.data[f * mag.channels + k]!);
      n++;
    }
  return sum / n;
}

describe('the pitch tracker', () => {
  it.each([90, 150, 240])('finds a %d Hz buzz within 2 %', (hz) => {
    const median = medianPitch(pitchTrack(buzz(hz, 0.6), RATE, { hop: HOP }))!;
    expect(Math.abs(median / hz - 1)).toBeLessThan(0.02);
  });

  it('calls silence and noise unvoiced', () => {
    expect(medianPitch(pitchTrack(new Float32Array(RATE / 2), RATE, { hop: HOP }))).toBeUndefined();
    let s = 1;
    const noise = Float32Array.from({ length: RATE / 2 }, () => ((s = (s * 16807) % 2147483647) / 2147483647) * 2 - 1);
    const voiced = Array.from(pitchTrack(noise, RATE, { hop: HOP })).filter((f) => f > 0).length;
    expect(voiced).toBeLessThan(5);
  });

  it("follows a flite voice's pitch target", async () => {
    const low = await speakSpeaker('We fixed the lantern carefully.', { voice: 'slt', f0: 160, alpha: 1 });
    const high = await speakSpeaker('We fixed the lantern carefully.', { voice: 'slt', f0: 240, alpha: 1 });
    const ratio = medianPitch(pitchTrack(high.samples, RATE, { hop: HOP }))! / medianPitch(pitchTrack(low.samples, RATE, { hop: HOP }))!;
    expect(ratio).toBeGreaterThan(1.3);
    expect(ratio).toBeLessThan(1.7);
  });
});

describe('the source-filter vocoder', () => {
  const frames = 1 + Math.floor((RATE * 0.6) / HOP);
  const options = { nFft: N_FFT, hop: HOP, length: Math.round(RATE * 0.6), sampleRate: RATE, smoothingHz: 100, breath: 0.1 };

  it('speaks at the F0 it is given, whatever the envelope', async () => {
    for (const hz of [110, 210]) {
      const out = await sourceFilter(resonance(frames, 700), frames, new Float64Array(frames).fill(hz), options);
      expect(Math.abs(medianPitch(pitchTrack(out, RATE, { hop: HOP }))! / hz - 1)).toBeLessThan(0.03);
    }
  });

  it('keeps the envelope: the resonance stays where the spectrum put it', async () => {
    const f0 = new Float64Array(frames).fill(120);
    const at700 = await sourceFilter(resonance(frames, 700), frames, f0, options);
    const at2500 = await sourceFilter(resonance(frames, 2500), frames, f0, options);
    expect(bandPower(at700, 550, 850) / bandPower(at700, 2350, 2650)).toBeGreaterThan(10);
    expect(bandPower(at2500, 2350, 2650) / bandPower(at2500, 550, 850)).toBeGreaterThan(1);
  });

  it('makes noise, not a pitch, where the frames are unvoiced, and the same bytes every time', async () => {
    const f0 = new Float64Array(frames);
    // a fricative's broad spectrum (a narrow resonance would ring like a pitch, in any tracker)
    const out = await sourceFilter(resonance(frames, 700, 0), frames, f0, options);
    expect(Array.from(pitchTrack(out, RATE, { hop: HOP })).filter((f) => f > 0).length).toBeLessThan(frames / 4);
    const again = await sourceFilter(resonance(frames, 700, 0), frames, f0, options);
    expect(Buffer.from(again.buffer).equals(Buffer.from(out.buffer))).toBe(true);
  });

  it('refuses an F0 track that does not match the frames', async () => {
    await expect(sourceFilter(resonance(frames, 700), frames, new Float64Array(frames - 1), options)).rejects.toThrow(/F0 has/);
  });
});
