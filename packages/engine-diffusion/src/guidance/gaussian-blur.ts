/** diffusers' `gaussian_blur_2d` kernel: k taps of exp(−x²/2σ²) at x = −(k−1)/2 … (k−1)/2, normalised. */
export function gaussianKernel(size: number, sigma: number): Float64Array {
  const k = new Float64Array(size);
  let sum = 0;
  for (let i = 0; i < size; i++) {
    const x = i - (size - 1) / 2;
    k[i] = Math.exp(-0.5 * (x / sigma) ** 2);
    sum += k[i];
  }
  for (let i = 0; i < size; i++) k[i] /= sum;
  return k;
}

/** Reflect an index into [0, n) as torch's 'reflect' padding does (repeated for pads wider than the side). */
function reflect(i: number, n: number): number {
  if (n === 1) return 0;
  const period = 2 * (n - 1);
  const m = ((i % period) + period) % period;
  return m < n ? m : period - m;
}

/**
 * Separable Gaussian blur of each [h, w] plane of `x` (planes back to back), with reflect padding —
 * diffusers' `gaussian_blur_2d(img, kernel_size, sigma)` that self-attention guidance degrades x₀ with.
 */
export function gaussianBlur2d(x: Float32Array, h: number, w: number, size = 9, sigma = 1): Float32Array {
  const k = gaussianKernel(size, sigma);
  const r = (size - 1) / 2;
  const plane = h * w;
  const tmp = new Float32Array(plane);
  const out = new Float32Array(x.length);
  for (let o = 0; o < x.length; o += plane) {
    for (let y = 0; y < h; y++)
      for (let xx = 0; xx < w; xx++) {
        let s = 0;
        for (let j = 0; j < size; j++) s += k[j] * x[o + y * w + reflect(xx + j - r, w)];
        tmp[y * w + xx] = s;
      }
    for (let y = 0; y < h; y++)
      for (let xx = 0; xx < w; xx++) {
        let s = 0;
        for (let j = 0; j < size; j++) s += k[j] * tmp[reflect(y + j - r, h) * w + xx];
        out[o + y * w + xx] = s;
      }
  }
  return out;
}
