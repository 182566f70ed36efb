import type { BaseConfig } from './config';

/** diffusers' `betas_for_alpha_bar` with the cosine alpha-bar (squaredcos_cap_v2). */
function cosineBetas(n: number, maxBeta = 0.999): Float64Array {
  const alphaBar = (t: number): number => Math.cos(((t + 0.008) / 1.008) * Math.PI * 0.5) ** 2;
  const betas = new Float64Array(n);
  for (let i = 0; i < n; i++) betas[i] = Math.min(1 - alphaBar((i + 1) / n) / alphaBar(i / n), maxBeta);
  return betas;
}

export function makeBetas(cfg: BaseConfig): Float64Array {
  const n = cfg.num_train_timesteps;
  if (cfg.trained_betas) return Float64Array.from(cfg.trained_betas);
  const betas = new Float64Array(n);
  switch (cfg.beta_schedule) {
    case 'linear':
      for (let i = 0; i < n; i++) betas[i] = linspaceAt(cfg.beta_start, cfg.beta_end, n, i);
      return betas;
    case 'scaled_linear': {
      const a = Math.sqrt(cfg.beta_start);
      const b = Math.sqrt(cfg.beta_end);
      for (let i = 0; i < n; i++) betas[i] = linspaceAt(a, b, n, i) ** 2;
      return betas;
    }
    case 'squaredcos_cap_v2':
      return cosineBetas(n);
    default:
      throw new Error(`unknown beta_schedule ${String(cfg.beta_schedule)}`);
  }
}

/** ᾱ_t = Π (1 − β_i), as a float64 array indexed by training timestep (zero terminal SNR when the config asks). */
export function alphasCumprod(cfg: BaseConfig): Float64Array {
  const betas = makeBetas(cfg);
  const out = new Float64Array(betas.length);
  let acc = 1;
  for (let i = 0; i < betas.length; i++) {
    acc *= 1 - betas[i];
    out[i] = acc;
  }
  return cfg.rescale_betas_zero_snr ? rescaleZeroTerminalSnr(out) : out;
}

/**
 * Lin et al. 2023, Algorithm 1: shift and scale sqrt(ᾱ) so that sqrt(ᾱ_0) is kept and sqrt(ᾱ_T) = 0.
 * Rescaling the betas and taking their product again gives these same values, so ᾱ is rescaled directly.
 */
function rescaleZeroTerminalSnr(alphaBar: Float64Array): Float64Array {
  const first = Math.sqrt(alphaBar[0]);
  const last = Math.sqrt(alphaBar[alphaBar.length - 1]);
  return alphaBar.map((a) => ((Math.sqrt(a) - last) * first) / (first - last)).map((r) => r * r);
}

/**
 * ᾱ for the σ-space schedulers: a zero terminal ᾱ would make σ_T infinite, so diffusers sets it to
 * 2⁻²⁴ (as its Euler, Euler a, DPM-Solver and UniPC schedulers do under rescale_betas_zero_snr).
 */
export function sigmaSafeAlphasCumprod(cfg: BaseConfig): Float64Array {
  const ac = alphasCumprod(cfg);
  if (ac[ac.length - 1] === 0) ac[ac.length - 1] = 2 ** -24;
  return ac;
}

function linspaceAt(start: number, stop: number, num: number, i: number): number {
  if (num === 1) return start;
  return i === num - 1 ? stop : i * ((stop - start) / (num - 1)) + start;
}
