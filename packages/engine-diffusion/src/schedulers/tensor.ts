/** Elementwise helpers on flat latents. Arithmetic runs in float64 and is stored as float32. */

/** out[i] = Σ coef_k · x_k[i]. */
export function lincomb(...terms: Array<readonly [number, Float32Array]>): Float32Array {
  const n = terms[0][1].length;
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    let acc = 0;
    for (const [c, x] of terms) acc += c * x[i];
    out[i] = acc;
  }
  return out;
}

export function scale(x: Float32Array, c: number): Float32Array {
  const out = new Float32Array(x.length);
  for (let i = 0; i < x.length; i++) out[i] = x[i] * c;
  return out;
}

export function clamp(x: Float32Array, lo: number, hi: number): Float32Array {
  const out = new Float32Array(x.length);
  for (let i = 0; i < x.length; i++) out[i] = Math.min(hi, Math.max(lo, x[i]));
  return out;
}

export function assertSameLength(a: Float32Array, b: Float32Array, what: string): void {
  if (a.length !== b.length) throw new RangeError(`${what}: length ${a.length} does not match ${b.length}`);
}
