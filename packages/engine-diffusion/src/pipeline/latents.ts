/** Small typed-array helpers for the denoising loop (one pass each, no temporaries). */

/** out[i] = u[i] + g·(c[i] − u[i]) where `both` holds [uncond rows; cond rows]. */
export function applyGuidance(both: Float32Array, n: number, g: number, out: Float32Array = new Float32Array(n)): Float32Array {
  for (let i = 0; i < n; i++) {
    const u = both[i];
    out[i] = u + g * (both[n + i] - u);
  }
  return out;
}

export function scale(x: Float32Array, s: number, out: Float32Array = new Float32Array(x.length)): Float32Array {
  for (let i = 0; i < x.length; i++) out[i] = x[i] * s;
  return out;
}

/** Tile one sample `times` times along the batch axis. */
export function repeatBatch(one: Float32Array, times: number): Float32Array {
  const out = new Float32Array(one.length * times);
  for (let i = 0; i < times; i++) out.set(one, i * one.length);
  return out;
}

/** Nearest down-sampling of a [H, W] mask by `factor` (torch.nn.functional.interpolate's default mode). */
export function downsampleMask(mask: Float32Array, width: number, height: number, factor: number): Float32Array {
  const w = width / factor;
  const h = height / factor;
  const out = new Float32Array(w * h);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) out[y * w + x] = mask[y * factor * width + x * factor];
  return out;
}

/** latents = (1 − m)·keep + m·latents, per sample, m a [h·w] mask broadcast over batch and channels. */
export function blendMasked(latents: Float32Array, keep: Float32Array, mask: Float32Array): void {
  const plane = mask.length;
  for (let o = 0; o < latents.length; o += plane) {
    for (let i = 0; i < plane; i++) {
      const m = mask[i];
      latents[o + i] = (1 - m) * keep[o + i] + m * latents[o + i];
    }
  }
}

/** [a; b] along the channel axis of one sample (the 9-channel UNet's constant mask and masked-image channels). */
export function concatPlanes(a: Float32Array, b: Float32Array): Float32Array {
  const out = new Float32Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}
