import * as ort from 'onnxruntime-node';
import type { SlicedField } from '../mesh/marching-cubes';
import type { MeshModel } from '../mesh-model';

const BATCH = 65_536;
/** The decoder was trained on distances clamped to +-0.1: beyond that only the sign is meaningful. */
const COARSE = 48;

/** Runs the shape decoder on points [n, 3] for one latent; returns distances (and colours when asked). */
export async function decodePoints(model: MeshModel, latent: Float32Array, points: Float32Array, withColor = false): Promise<{ sdf: Float32Array; color?: Float32Array }> {
  const n = points.length / 3;
  const sdf = new Float32Array(n);
  const color = withColor ? new Float32Array(n * 3) : undefined;
  const z = new ort.Tensor('float32', latent, [1, latent.length]);
  for (let s = 0; s < n; s += BATCH) {
    const m = Math.min(BATCH, n - s);
    const out = await model.shapeDecoder.run({ points: new ort.Tensor('float32', points.subarray(s * 3, (s + m) * 3), [m, 3]), latent: z }, withColor ? ['sdf', 'color'] : ['sdf']);
    sdf.set(out.sdf.data as Float32Array, s);
    color?.set(out.color.data as Float32Array, s * 3);
  }
  return { sdf, color };
}

/**
 * The decoder's distance field on a fine grid, evaluated where the surface can be: a coarse
 * 48^3 pass first; a coarse cell whose corners all lie further from the surface than its
 * diagonal cannot hold any of it, so the fine points there take the coarse field's trilinear
 * value (right in sign, which is all marching cubes reads away from the surface) and only the
 * band around the surface goes through the decoder. At resolution <= 48 every point is decoded.
 */
export class ShapeField implements SlicedField {
  readonly lo: number;
  readonly hi: number;
  decodedPoints = 0;
  private coarse?: { values: Float32Array; near: Uint8Array };

  constructor(
    private readonly model: MeshModel,
    private readonly latent: Float32Array,
    readonly resolution: number,
  ) {
    [this.lo, this.hi] = model.config.bounds;
  }

  private gridPoints(res: number, k0: number, k1: number): Float32Array {
    const P = res + 1;
    const s = (this.hi - this.lo) / res;
    const pts = new Float32Array((k1 - k0 + 1) * P * P * 3);
    let o = 0;
    for (let k = k0; k <= k1; k++) {
      for (let j = 0; j < P; j++) {
        for (let i = 0; i < P; i++) {
          pts[o++] = this.lo + i * s;
          pts[o++] = this.lo + j * s;
          pts[o++] = this.lo + k * s;
        }
      }
    }
    return pts;
  }

  private async coarsePass(): Promise<{ values: Float32Array; near: Uint8Array }> {
    if (this.coarse) return this.coarse;
    const C = COARSE;
    const P = C + 1;
    const { sdf } = await decodePoints(this.model, this.latent, this.gridPoints(C, 0, C));
    this.decodedPoints += sdf.length;
    const diagonal = (Math.sqrt(3) * (this.hi - this.lo)) / C;
    const cell = new Uint8Array(C * C * C);
    for (let k = 0; k < C; k++) {
      for (let j = 0; j < C; j++) {
        for (let i = 0; i < C; i++) {
          let near = 0;
          for (let c = 0; c < 8 && !near; c++) {
            const v = sdf[((k + (c >> 2)) * P + j + ((c >> 1) & 1)) * P + i + (c & 1)];
            if (Math.abs(v) < diagonal) near = 1;
          }
          cell[(k * C + j) * C + i] = near;
        }
      }
    }
    // one cell of margin around the band
    const near = new Uint8Array(cell.length);
    for (let k = 0; k < C; k++) {
      for (let j = 0; j < C; j++) {
        for (let i = 0; i < C; i++) {
          if (!cell[(k * C + j) * C + i]) continue;
          for (let dk = -1; dk <= 1; dk++) for (let dj = -1; dj <= 1; dj++) for (let di = -1; di <= 1; di++) {
            const a = k + dk, b = j + dj, c = i + di;
            if (a >= 0 && b >= 0 && c >= 0 && a < C && b < C && c < C) near[(a * C + b) * C + c] = 1;
          }
        }
      }
    }
    this.coarse = { values: sdf, near };
    return this.coarse;
  }

  async values(k0: number, k1: number): Promise<Float32Array> {
    const R = this.resolution;
    const points = this.gridPoints(R, k0, k1);
    if (R <= COARSE) {
      const { sdf } = await decodePoints(this.model, this.latent, points);
      this.decodedPoints += sdf.length;
      return sdf;
    }
    const { values: coarse, near } = await this.coarsePass();
    const C = COARSE;
    const P = C + 1;
    const n = points.length / 3;
    const out = new Float32Array(n);
    const pick: number[] = [];
    const toCoarse = C / (this.hi - this.lo);
    const cellOf = (x: number) => Math.min(C - 1e-6, Math.max(0, (x - this.lo) * toCoarse));
    for (let p = 0; p < n; p++) {
      const ux = cellOf(points[p * 3]);
      const uy = cellOf(points[p * 3 + 1]);
      const uz = cellOf(points[p * 3 + 2]);
      const ci = Math.floor(ux);
      const cj = Math.floor(uy);
      const ck = Math.floor(uz);
      if (near[(ck * C + cj) * C + ci]) {
        pick.push(p);
        continue;
      }
      const fx = ux - ci;
      const fy = uy - cj;
      const fz = uz - ck;
      let v = 0;
      for (let c = 0; c < 8; c++) {
        const w = (c & 1 ? fx : 1 - fx) * ((c >> 1) & 1 ? fy : 1 - fy) * (c >> 2 ? fz : 1 - fz);
        v += w * coarse[((ck + (c >> 2)) * P + cj + ((c >> 1) & 1)) * P + ci + (c & 1)];
      }
      out[p] = v;
    }
    if (pick.length) {
      const sub = new Float32Array(pick.length * 3);
      for (let q = 0; q < pick.length; q++) {
        const p = pick[q] * 3;
        sub[q * 3] = points[p];
        sub[q * 3 + 1] = points[p + 1];
        sub[q * 3 + 2] = points[p + 2];
      }
      const { sdf } = await decodePoints(this.model, this.latent, sub);
      this.decodedPoints += sdf.length;
      pick.forEach((p, q) => (out[p] = sdf[q]));
    }
    return out;
  }
}
