/**
 * Philox4x32-10 (Salmon et al., "Parallel random numbers: as easy as 1, 2, 3", SC'11), the
 * counter-based generator of Random123, cuRAND and JAX. Pure 32-bit integer arithmetic, so
 * every platform and JS engine produces the same bits. Known-answer values from Random123's
 * `kat_vectors` are in philox.test.ts.
 */
const M0 = 0xd2511f53;
const M1 = 0xcd9e8d57;
const W0 = 0x9e3779b9;
const W1 = 0xbb67ae85;

/** High 32 bits of the 64-bit product of two uint32 (exact, via 16-bit limbs). */
function mulhi(a: number, b: number): number {
  const aLo = a & 0xffff;
  const aHi = a >>> 16;
  const bLo = b & 0xffff;
  const bHi = b >>> 16;
  const t = aLo * bLo;
  const m1 = aHi * bLo + (t >>> 16);
  const m2 = aLo * bHi + (m1 & 0xffff);
  return (aHi * bHi + Math.floor(m1 / 65536) + Math.floor(m2 / 65536)) >>> 0;
}

/** One Philox4x32-10 block: 4 uint32 outputs for a 128-bit counter and 64-bit key. */
export function philox4x32(counter: ArrayLike<number>, key: ArrayLike<number>, out: Uint32Array = new Uint32Array(4)): Uint32Array {
  let c0 = counter[0] >>> 0;
  let c1 = counter[1] >>> 0;
  let c2 = counter[2] >>> 0;
  let c3 = counter[3] >>> 0;
  let k0 = key[0] >>> 0;
  let k1 = key[1] >>> 0;
  for (let round = 0; round < 10; round++) {
    if (round > 0) {
      k0 = (k0 + W0) >>> 0;
      k1 = (k1 + W1) >>> 0;
    }
    const hi0 = mulhi(M0, c0);
    const lo0 = Math.imul(M0, c0) >>> 0;
    const hi1 = mulhi(M1, c2);
    const lo1 = Math.imul(M1, c2) >>> 0;
    c0 = (hi1 ^ c1 ^ k0) >>> 0;
    c1 = lo1;
    c2 = (hi0 ^ c3 ^ k1) >>> 0;
    c3 = lo0;
  }
  out[0] = c0;
  out[1] = c1;
  out[2] = c2;
  out[3] = c3;
  return out;
}

const TWO_PI = 2 * Math.PI;
const INV_2_32 = 1 / 4294967296;

/**
 * A stream of standard-normal float32 values from one seed.
 *
 * Definition (so other implementations can reproduce it): key = [seed mod 2^32,
 * floor(seed / 2^32)] (seed an integer in [0, 2^53)); block n uses counter [n mod 2^32,
 * floor(n / 2^32), 0, 0]. Its four words x0..x3 become uniforms u_i = (x_i + 0.5) / 2^32 in
 * (0, 1), and Box–Muller gives four normals in order:
 * r = sqrt(-2 ln u0): r cos(2π u1), r sin(2π u1); r' = sqrt(-2 ln u2): r' cos(2π u3), r' sin(2π u3),
 * computed in float64 and rounded to float32. Values are consumed in order; a stream never
 * re-uses a block.
 */
export class PhiloxNormalStream {
  readonly seed: number;
  private readonly key: Uint32Array;
  private readonly counter = new Uint32Array(4);
  private readonly block = new Uint32Array(4);
  private blockIndex = 0;
  private readonly pending = new Float64Array(4);
  private pendingPos = 4;

  constructor(seed: number) {
    if (!Number.isSafeInteger(seed) || seed < 0) throw new RangeError(`seed must be an integer in [0, 2^53), got ${seed}`);
    this.seed = seed;
    this.key = new Uint32Array([seed % 4294967296, Math.floor(seed / 4294967296)]);
  }

  private refill(): void {
    const n = this.blockIndex++;
    this.counter[0] = n % 4294967296;
    this.counter[1] = Math.floor(n / 4294967296);
    const x = philox4x32(this.counter, this.key, this.block);
    const u0 = (x[0] + 0.5) * INV_2_32;
    const u1 = (x[1] + 0.5) * INV_2_32;
    const u2 = (x[2] + 0.5) * INV_2_32;
    const u3 = (x[3] + 0.5) * INV_2_32;
    const r0 = Math.sqrt(-2 * Math.log(u0));
    const r1 = Math.sqrt(-2 * Math.log(u2));
    this.pending[0] = r0 * Math.cos(TWO_PI * u1);
    this.pending[1] = r0 * Math.sin(TWO_PI * u1);
    this.pending[2] = r1 * Math.cos(TWO_PI * u3);
    this.pending[3] = r1 * Math.sin(TWO_PI * u3);
    this.pendingPos = 0;
  }

  /** Fill `out` (or a new array of `length`) with the next normals of the stream. */
  fill(out: Float32Array, offset = 0, length = out.length - offset): Float32Array {
    for (let i = 0; i < length; i++) {
      if (this.pendingPos === 4) this.refill();
      out[offset + i] = this.pending[this.pendingPos++];
    }
    return out;
  }

  next(length: number): Float32Array {
    return this.fill(new Float32Array(length));
  }
}
