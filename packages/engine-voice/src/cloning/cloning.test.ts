import { durationSeconds } from '../audio/speech-audio';
import { FeatureExtractor } from './mel';
import { griffinLim } from './griffin-lim';
import { istft, stft } from './stft';
import { speakSpeaker } from './speaker-variant';

const RATE = 16_000;
const PARAMS = { sampleRate: RATE, nFft: 1024, hop: 256, nMels: 80, fMin: 0, fMax: 8000, logFloor: 1e-5 };
const tone = (hz: number, seconds: number) => Float32Array.from({ length: Math.round(RATE * seconds) }, (_, i) => 0.5 * Math.sin((2 * Math.PI * hz * i) / RATE));

/** The strongest FFT bin's frequency over the middle frame of the signal. */
function peakHz(samples: Float32Array): number {
  const features = new FeatureExtractor(PARAMS);
  const mag = features.logMagnitude(samples);
  const frame = Math.floor(mag.frames / 2);
  let best = 0;
  for (let k = 1; k < mag.channels; k++) if (mag.data[frame * mag.channels + k]! > mag.data[frame * mag.channels + best]!) best = k;
  return (best * RATE) / PARAMS.nFft;
}

describe('the cloning features and vocoder', () => {
  it('STFT then inverse STFT gives the signal back', () => {
    const x = tone(220, 0.5);
    const y = istft(stft(x, PARAMS), PARAMS, x.length);
    let err = 0;
    for (let i = 0; i < x.length; i++) err = Math.max(err, Math.abs(x[i]! - y[i]!));
    expect(err).toBeLessThan(1e-4);
  });

  it('puts a tone in the mel band of its frequency', () => {
    const features = new FeatureExtractor(PARAMS);
    const band = (hz: number) => {
      const mel = features.logMel(tone(hz, 0.5));
      const f = Math.floor(mel.frames / 2);
      let best = 0;
      for (let m = 0; m < mel.channels; m++) if (mel.data[f * mel.channels + m]! > mel.data[f * mel.channels + best]!) best = m;
      return best;
    };
    expect(band(300)).toBeLessThan(band(1000));
    expect(band(1000)).toBeLessThan(band(4000));
  });

  it("Griffin-Lim rebuilds a tone at its pitch from the magnitude alone, the same samples every time", async () => {
    const x = tone(440, 0.6);
    const mag = new FeatureExtractor(PARAMS).logMagnitude(x);
    const magnitude = Float32Array.from(mag.data, Math.exp);
    const options = { nFft: PARAMS.nFft, hop: PARAMS.hop, iterations: 16, length: x.length };
    const y = await griffinLim(magnitude, mag.frames, options);
    expect(Math.abs(peakHz(y) - 440)).toBeLessThan(RATE / PARAMS.nFft);
    expect(Buffer.from((await griffinLim(magnitude, mag.frames, options)).buffer).equals(Buffer.from(y.buffer))).toBe(true);
  });

  it('a speaker read faster (alpha > 1) speaks in less time and at a higher pitch', async () => {
    const text = 'Seven small boats drifted out past the lighthouse.';
    const [plain, small] = await Promise.all([speakSpeaker(text, { voice: 'kal16', alpha: 1 }), speakSpeaker(text, { voice: 'kal16', alpha: 1.12 })]);
    expect(small.sampleRate).toBe(RATE);
    expect(durationSeconds(plain) / durationSeconds(small)).toBeCloseTo(1.12, 1);
    expect(small.phones.at(-1)!.end).toBeLessThan(plain.phones.at(-1)!.end);
  });
});
