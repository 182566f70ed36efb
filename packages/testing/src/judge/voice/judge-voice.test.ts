import { dtwDistance, mfccDtw } from './dtw';
import { medianF0 } from './f0';

const RATE = 16_000;

function harmonicTone(f0: number, seconds: number, rate = RATE): Float32Array {
  const out = new Float32Array(Math.round(seconds * rate));
  for (let i = 0; i < out.length; i++)
    for (let h = 1; h <= 6; h++) out[i]! += (0.3 / h) * Math.sin((2 * Math.PI * f0 * h * i) / rate);
  return out;
}

/** A vowel-like sequence: harmonics under formant bumps that move from one vowel to another. */
function vowels(formants: [number, number][], f0: number, secondsEach: number, rate = RATE): Float32Array {
  const n = Math.round(secondsEach * rate);
  const out = new Float32Array(n * formants.length);
  formants.forEach(([f1, f2], v) => {
    for (let i = 0; i < n; i++) {
      let s = 0;
      for (let h = 1; h * f0 < 4000; h++) {
        const f = h * f0;
        const amp = Math.exp(-(((f - f1) / 150) ** 2)) + 0.6 * Math.exp(-(((f - f2) / 200) ** 2)) + 0.02;
        s += amp * Math.sin((2 * Math.PI * f * (v * n + i)) / rate);
      }
      out[v * n + i] = 0.2 * s;
    }
  });
  return out;
}

describe('voice judge: F0', () => {
  it('finds 150 Hz in a harmonic tone', () => {
    expect(Math.abs(medianF0({ samples: harmonicTone(150, 1), sampleRate: RATE }) - 150)).toBeLessThanOrEqual(
      3,
    );
  });
  it('finds 90 and 240 Hz too, and at 8 kHz', () => {
    expect(medianF0({ samples: harmonicTone(90, 1), sampleRate: RATE })).toBeCloseTo(90, 0);
    expect(medianF0({ samples: harmonicTone(240, 1), sampleRate: RATE })).toBeCloseTo(240, 0);
    expect(
      Math.abs(medianF0({ samples: harmonicTone(150, 1, 8000), sampleRate: 8000 }) - 150),
    ).toBeLessThanOrEqual(3);
  });
  it('says NaN for silence', () => {
    expect(medianF0({ samples: new Float32Array(RATE), sampleRate: RATE })).toBeNaN();
  });
});

describe('voice judge: MFCC-DTW', () => {
  const a: [number, number][] = [
    [700, 1200],
    [300, 2300],
    [500, 900],
    [400, 1900],
  ];
  const other: [number, number][] = [
    [300, 800],
    [650, 1700],
    [350, 2500],
    [750, 1100],
  ];
  it('is 0 for identical sequences', () => {
    const x = [Float64Array.of(1, 2), Float64Array.of(3, 4)];
    expect(dtwDistance(x, x)).toBe(0);
    const s = { samples: vowels(a, 120, 0.25), sampleRate: RATE };
    expect(mfccDtw(s, s)).toBe(0);
  });
  it('keeps a time-warped copy nearer than different content', () => {
    const base = { samples: vowels(a, 120, 0.25), sampleRate: RATE };
    const slower = { samples: vowels(a, 120, 0.4), sampleRate: RATE };
    const different = { samples: vowels(other, 120, 0.25), sampleRate: RATE };
    expect(mfccDtw(base, slower)).toBeLessThan(mfccDtw(base, different));
  });
});
