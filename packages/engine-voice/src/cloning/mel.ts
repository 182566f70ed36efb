import { Fft } from './fft';
import { hannWindow, stft, type Spectrum, type StftParams } from './stft';

/**
 * The feature recipe (config.json "features"): torch.stft framing, magnitude (power 1), an HTK
 * mel filterbank without area normalisation, natural log with a floor. features.py in
 * models/training/voice computes exactly this; the parity test holds the two within 1e-3.
 */
export interface FeatureParams extends StftParams {
  sampleRate: number;
  nMels: number;
  fMin: number;
  fMax: number;
  logFloor: number;
}

const hzToMel = (hz: number) => 2595 * Math.log10(1 + hz / 700);
const melToHz = (mel: number) => 700 * (10 ** (mel / 2595) - 1);

/** [nMels × (nFft/2 + 1)] triangles on the FFT bins' frequencies. */
export function melFilterbank(p: FeatureParams): Float64Array {
  const bins = p.nFft / 2 + 1;
  const fb = new Float64Array(p.nMels * bins);
  const lo = hzToMel(p.fMin);
  const hi = hzToMel(p.fMax);
  const edges = Array.from({ length: p.nMels + 2 }, (_, i) => melToHz(lo + ((hi - lo) * i) / (p.nMels + 1)));
  for (let m = 0; m < p.nMels; m++) {
    const [left, centre, right] = [edges[m]!, edges[m + 1]!, edges[m + 2]!];
    for (let k = 0; k < bins; k++) {
      const f = (k * p.sampleRate) / p.nFft;
      const up = (f - left) / (centre - left);
      const down = (right - f) / (right - centre);
      fb[m * bins + k] = Math.max(0, Math.min(up, down));
    }
  }
  return fb;
}

/** Frame-major features: `data` is [frames × channels]. */
export interface FeatureFrames {
  frames: number;
  channels: number;
  data: Float32Array;
}

/** Computes spectra and features with cached FFT tables, window and filterbank. */
export class FeatureExtractor {
  private readonly fft: Fft;
  private readonly window: Float64Array;
  private readonly filterbank: Float64Array;

  constructor(readonly params: FeatureParams) {
    this.fft = new Fft(params.nFft);
    this.window = hannWindow(params.nFft);
    this.filterbank = melFilterbank(params);
  }

  spectrum(samples: Float32Array): Spectrum {
    return stft(samples, this.params, this.fft, this.window);
  }

  /** log(max(|X|, floor)) on the 513 (nFft/2 + 1) linear bins. */
  logMagnitude(samples: Float32Array): FeatureFrames {
    const spec = this.spectrum(samples);
    const data = new Float32Array(spec.frames * spec.bins);
    for (let i = 0; i < data.length; i++) data[i] = Math.log(Math.max(Math.hypot(spec.re[i]!, spec.im[i]!), this.params.logFloor));
    return { frames: spec.frames, channels: spec.bins, data };
  }

  /** log(max(mel · |X|, floor)). */
  logMel(samples: Float32Array): FeatureFrames {
    const spec = this.spectrum(samples);
    const { nMels, logFloor } = this.params;
    const bins = spec.bins;
    const data = new Float32Array(spec.frames * nMels);
    const mag = new Float64Array(bins);
    for (let f = 0; f < spec.frames; f++) {
      for (let k = 0; k < bins; k++) mag[k] = Math.hypot(spec.re[f * bins + k]!, spec.im[f * bins + k]!);
      for (let m = 0; m < nMels; m++) {
        let s = 0;
        for (let k = 0; k < bins; k++) s += this.filterbank[m * bins + k]! * mag[k]!;
        data[f * nMels + m] = Math.log(Math.max(s, logFloor));
      }
    }
    return { frames: spec.frames, channels: nMels, data };
  }
}
