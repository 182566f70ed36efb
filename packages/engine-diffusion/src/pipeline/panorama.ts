import type { NoisePredictor, UnetPrediction } from './unet-predictor';

/**
 * Windows covering each cell along one side (diffusers' StableDiffusionPanoramaPipeline: 64-cell
 * windows every 8 cells for SD 1.5). The stride scales with the window: a fixed stride of 8 on
 * easel-tiny's 16-cell window left two windows per cell, whose disagreeing predictions averaged
 * into coloured specks over the background (its spread 15 against 5.5 for text2img).
 */
export const PANORAMA_COVERAGE = 8;

/** Latent cells between window origins for a window of `window` cells (8 for SD 1.5's 64). */
export function panoramaStride(window: number): number {
  return Math.max(1, Math.round(window / PANORAMA_COVERAGE));
}

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
export function panoramaWindows(
  h: number,
  w: number,
  window: number,
  stride = panoramaStride(window),
): { windows: Window[]; wh: number; ww: number } {
  const wh = Math.min(window, h);
  const ww = Math.min(window, w);
  const windows: Window[] = [];
  for (const y of origins(h, wh, stride)) for (const x of origins(w, ww, stride)) windows.push({ y, x });
  return { windows, wh, ww };
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
 * output is the mean of the outputs of the windows that cover it. Averaging the predictions (rather
 * than each window's stepped latents, as diffusers does with a scheduler state per window) keeps one
 * scheduler state: every deterministic step, multistep ones included, is linear in the sample, the
 * output and the saved past outputs with the same coefficients for all windows, and each window's
 * past outputs are crops of the same averaged ones, so both give the same latents.
 * A Gaussian centre weighting (Mixture of Diffusers) was tried: with the coverage above it adds
 * nothing against seams and left more specks (window spread up to 13.7 against 11.4, seeds 1-6).
 */
export function withPanorama(base: NoisePredictor, o: PanoramaOptions): NoisePredictor {
  const { samples: n, channels: C } = o;
  return async (scaled, t, h, w): Promise<UnetPrediction> => {
    const { windows, wh, ww } = panoramaWindows(h, w, o.window, o.stride);
    const plane = h * w;
    const sum = new Float32Array(n * C * plane);
    const count = new Float32Array(plane);
    const crop = new Float32Array(n * C * wh * ww);
    for (const { y, x } of windows) {
      let start = performance.now();
      for (let p = 0; p < n * C; p++)
        for (let r = 0; r < wh; r++)
          crop.set(
            scaled.subarray(p * plane + (y + r) * w + x, p * plane + (y + r) * w + x + ww),
            (p * wh + r) * ww,
          );
      o.timing.ms += performance.now() - start;
      const pred = await base(crop, t, wh, ww);
      start = performance.now();
      for (let p = 0; p < n * C; p++)
        for (let r = 0; r < wh; r++) {
          const dst = p * plane + (y + r) * w + x;
          const src = (p * wh + r) * ww;
          for (let c = 0; c < ww; c++) sum[dst + c] += pred.guided[src + c];
        }
      for (let r = 0; r < wh; r++) for (let c = 0; c < ww; c++) count[(y + r) * w + x + c] += 1;
      o.timing.ms += performance.now() - start;
    }
    const start = performance.now();
    for (let p = 0; p < n * C; p++) for (let i = 0; i < plane; i++) sum[p * plane + i] /= count[i];
    o.timing.ms += performance.now() - start;
    return { guided: sum, reference: sum };
  };
}
