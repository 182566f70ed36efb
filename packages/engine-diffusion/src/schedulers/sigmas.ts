/** k-diffusion sigmas σ_t = sqrt((1 − ᾱ_t)/ᾱ_t), indexed by training timestep. */
export function trainingSigmas(alphasCumprod: Float64Array): Float64Array {
  return alphasCumprod.map((a) => Math.sqrt((1 - a) / a));
}

/** np.interp(x, arange(len(fp)), fp): linear interpolation on the integer grid, clamped at the ends. */
export function interpOnGrid(x: number, fp: ArrayLike<number>): number {
  const last = fp.length - 1;
  if (x <= 0) return fp[0];
  if (x >= last) return fp[last];
  const lo = Math.floor(x);
  const w = x - lo;
  return w === 0 ? fp[lo] : fp[lo] + (fp[lo + 1] - fp[lo]) * w;
}

/** diffusers' `_sigma_to_t`: invert σ(t) by linear interpolation in log σ. */
export function sigmaToT(sigma: number, logSigmas: Float64Array): number {
  const logSigma = Math.log(Math.max(sigma, 1e-10));
  let low = 0;
  for (let i = 0; i < logSigmas.length; i++) if (logSigmas[i] <= logSigma) low = i;
  low = Math.min(low, logSigmas.length - 2);
  const lo = logSigmas[low];
  const hi = logSigmas[low + 1];
  const w = Math.min(1, Math.max(0, (lo - logSigma) / (lo - hi)));
  return (1 - w) * low + w * (low + 1);
}

/** Karras et al. (2022) ρ=7 schedule from sigmaMax down to sigmaMin, n points. */
export function karrasSigmas(sigmaMin: number, sigmaMax: number, n: number, rho = 7): number[] {
  const minInv = sigmaMin ** (1 / rho);
  const maxInv = sigmaMax ** (1 / rho);
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const ramp = n === 1 ? 0 : i / (n - 1);
    out.push((maxInv + ramp * (minInv - maxInv)) ** rho);
  }
  return out;
}

/** VP coefficients for a k-diffusion sigma: α_t = 1/sqrt(σ²+1), σ_t = σ·α_t. */
export function alphaSigma(sigma: number): { alpha: number; sigma: number } {
  const alpha = 1 / Math.sqrt(sigma * sigma + 1);
  return { alpha, sigma: sigma * alpha };
}

/** λ = log α − log σ (half log-SNR); +∞ at σ=0. */
export function lambdaOf(sigma: number): number {
  const { alpha, sigma: s } = alphaSigma(sigma);
  return Math.log(alpha) - Math.log(s);
}
