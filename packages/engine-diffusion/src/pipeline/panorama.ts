import type { NoisePredictor, UnetPrediction } from './unet-predictor';

/** Latent cells between window origins (MultiDiffusion / diffusers' StableDiffusionPanoramaPipeline use 8). */
export const PANORAMA_STRIDE = 8;

export interface Window {
  y: number;
  x: number;
}

/** Origins along one side: every `stride`, plus one flush with the end so every cell is covered. */
function origins(side: number, window: number, stride: number): number[] {
  if (side <= window) return [0];
  const out: number[] = [];
  for (let o = 0; o + window <= side; o += stride) out.push(o);
  if (out[out.length - 1] + window < side) out.push(side - window);
  return out;
}

/** The overlapping windows of a [h, w] latent (window side = the model's native latent side, capped by the latent). */
export function panoramaWindows(h: number, w: number, window: number, stride = PANORAMA_STRIDE): { windows: Window[]; wh: number; ww: number } {
  const wh = Math.min(window, h);
  const ww = Math.min(window, w);
  const windows: Window[] = [];
  for (const y of origins(h, wh, stride)) for (const x of origins(w, ww, stride)) windows.push({ y, x });
  return { windows, wh, ww };
}

/**
 * Each window's weight per cell: a Gaussian bump centred on the window (σ = side / 4, as Mixture of
 * Diffusers weighs its tiles), so a cell's mean leans on the windows that see it nearest their
 * centre and the coverage changes at window edges leave no step. Uniform weights (MultiDiffusion's
 * plain mean) left a visible seam where the coverage goes from one window to two.
 */
export function windowWeights(h: number, w: number): Float32Array {
  const g = (i: number, n: number) => Math.exp(-0.5 * ((i + 0.5 - n / 2) / (n / 4)) ** 2);
  const out = new Float32Array(h * w);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) out[y * w + x] = g(y, h) * g(x, w);
  return out;
}

export interface PanoramaOptions {
  samples: number;
  channels: number;
  /** The model's native latent side: what it was trained to denoise. */
  window: number;
  stride?: number;
  /** Milliseconds spent copying windows and averaging (the UNet's own time is not counted) are added here. */
  timing: { ms: number };
}

/**
 * MultiDiffusion (Bar-Tal et al. 2023) for latents wider or taller than the model's native size: the
 * latent is denoised in overlapping native-size windows, and at every step each latent cell's model
 * output is the (centre-weighted, see windowWeights) mean of the outputs of the windows that cover it. Averaging the predictions (rather
 * than each window's stepped latents) keeps one scheduler state and works with every scheduler; for
 * the deterministic ones both are the same, the step being linear in the model output.
 */
export function withPanorama(base: NoisePredictor, o: PanoramaOptions): NoisePredictor {
  const { samples: n, channels: C } = o;
  return async (scaled, t, h, w): Promise<UnetPrediction> => {
    const { windows, wh, ww } = panoramaWindows(h, w, o.window, o.stride);
    const plane = h * w;
    const sum = new Float32Array(n * C * plane);
    const count = new Float32Array(plane);
    const weight = windowWeights(wh, ww);
    const crop = new Float32Array(n * C * wh * ww);
    for (const { y, x } of windows) {
      let start = performance.now();
      for (let p = 0; p < n * C; p++)
        for (let r = 0; r < wh; r++) crop.set(scaled.subarray(p * plane + (y + r) * w + x, p * plane + (y + r) * w + x + ww), (p * wh + r) * ww);
      o.timing.ms += performance.now() - start;
      const pred = await base(crop, t, wh, ww);
      start = performance.now();
      for (let p = 0; p < n * C; p++)
        for (let r = 0; r < wh; r++) {
          const dst = p * plane + (y + r) * w + x;
          const src = (p * wh + r) * ww;
          for (let c = 0; c < ww; c++) sum[dst + c] += weight[r * ww + c] * pred.guided[src + c];
        }
      for (let r = 0; r < wh; r++) for (let c = 0; c < ww; c++) count[(y + r) * w + x + c] += weight[r * ww + c];
      o.timing.ms += performance.now() - start;
    }
    const start = performance.now();
    for (let p = 0; p < n * C; p++) for (let i = 0; i < plane; i++) sum[p * plane + i] /= count[i];
    o.timing.ms += performance.now() - start;
    return { guided: sum, reference: sum };
  };
}
