import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { FeatureExtractor } from './mel';
import { decodeWav } from '../audio/wav';

// fixtures/: made by models/training/voice/make_fixtures.py with features.py (torch.stft).
const fixture = JSON.parse(readFileSync(join(__dirname, 'fixtures', 'features.json'), 'utf8'));
const p = fixture.params;
const extractor = new FeatureExtractor({
  sampleRate: p.sample_rate,
  nFft: p.n_fft,
  hop: p.hop,
  nMels: p.n_mels,
  fMin: p.f_min,
  fMax: p.f_max,
  logFloor: p.log_floor,
});

function maxDiff(got: Float32Array, channels: number, rows: number[][], at: (i: number) => number): number {
  let worst = 0;
  rows.forEach((row, i) =>
    row.forEach((v, k) => (worst = Math.max(worst, Math.abs(got[at(i) * channels + k]! - v)))),
  );
  return worst;
}

describe('cloning features match features.py', () => {
  let audio: Awaited<ReturnType<typeof decodeWav>>;
  beforeAll(async () => {
    audio = await decodeWav(readFileSync(join(__dirname, 'fixtures', 'speech.wav')));
  });
  it('log-mel within 1e-3', () => {
    const mel = extractor.logMel(audio.samples);
    expect(mel.frames).toBe(fixture.log_mel.length);
    expect(maxDiff(mel.data, mel.channels, fixture.log_mel, (i) => i)).toBeLessThan(1e-3);
  });
  it('log-magnitude within 1e-3', () => {
    const mag = extractor.logMagnitude(audio.samples);
    expect(
      maxDiff(mag.data, mag.channels, fixture.log_magnitude, (i) => fixture.log_magnitude_rows[i]),
    ).toBeLessThan(1e-3);
  });
});
