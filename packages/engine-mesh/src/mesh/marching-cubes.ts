import { closedAtBounds } from './closed-at-bounds';
import { CASES, CORNERS, EDGES, edgeAxis } from './cube-cases';
import type { TriangleMesh } from './triangle-mesh';

/**
 * A scalar field sampled on a grid of (resolution + 1)^3 points spanning [lo, hi]^3, handed over
 * a few z-slices at a time so memory stays O(resolution^2): values(k0, k1) returns slices
 * k0..k1 inclusive, each (resolution + 1)^2 values indexed j * (resolution + 1) + i (x = i, y = j).
 * Negative is inside.
 */
export interface SlicedField {
  resolution: number;
  lo: number;
  hi: number;
  values(k0: number, k1: number): Promise<Float32Array>;
}

const SLAB = 8;

/**
 * Marching cubes (cases from cube-cases.ts) over the field's zero level set. Vertices sit on grid
 * edges, found once per edge (keyed by the edge's global id), so neighbouring cubes share them
 * and a closed surface comes out as a closed mesh: every edge in exactly two triangles. The grid's
 * outer faces count as outside, so a surface the grid cuts is capped there and closed too.
 */
export async function marchingCubes(field: SlicedField, signal?: AbortSignal): Promise<TriangleMesh> {
  const R = field.resolution;
  const P = R + 1;
  const step = (field.hi - field.lo) / R;
  const vertexOf = new Map<number, number>();
  const positions: number[] = [];
  const indices: number[] = [];
  const cornerOffset = CORNERS.map(([x, y, z]) => [x, y, z] as const);
  const edgeBase = EDGES.map(([a]) => CORNERS[a]);
  const edgeAxes = EDGES.map((_, e) => edgeAxis(e));
  const vals = new Float64Array(8);
  const slices = async (from: number, to: number) => closedAtBounds(await field.values(from, to), R, from, to);
  let below = await slices(0, Math.min(R, SLAB));
  let k0 = 0;
  while (k0 < R) {
    if (signal?.aborted) throw new Error('cancelled');
    const k1 = Math.min(R, k0 + SLAB);
    const slab = k0 === 0 ? below : concat(below, await slices(k0 + 1, k1), P * P);
    for (let k = k0; k < k1; k++) {
      const zOff = (k - k0) * P * P;
      for (let j = 0; j < R; j++) {
        for (let i = 0; i < R; i++) {
          let mask = 0;
          for (let c = 0; c < 8; c++) {
            const [x, y, z] = cornerOffset[c];
            const v = slab[zOff + z * P * P + (j + y) * P + i + x];
            vals[c] = v;
            if (v < 0) mask |= 1 << c;
          }
          if (mask === 0 || mask === 255) continue;
          for (const loop of CASES[mask]) {
            const ring: number[] = [];
            for (const e of loop.edges) {
              const [bx, by, bz] = edgeBase[e];
              const axis = edgeAxes[e];
              const gi = i + bx, gj = j + by, gk = k + bz;
              const id = ((gk * P + gj) * P + gi) * 3 + axis;
              let v = vertexOf.get(id);
              if (v === undefined) {
                const [a, b] = EDGES[e];
                // kept off the grid points: a vertex there would coincide with its neighbours'
                const t0 = Math.min(0.99, Math.max(0.01, vals[a] / (vals[a] - vals[b])));
                const pos = [gi, gj, gk];
                pos[axis] += t0;
                v = positions.length / 3;
                positions.push(field.lo + pos[0] * step, field.lo + pos[1] * step, field.lo + pos[2] * step);
                vertexOf.set(id, v);
              }
              ring.push(v);
            }
            fan(ring, loop.fanFrom, positions, indices);
          }
        }
      }
    }
    below = slab.subarray((k1 - k0) * P * P);
    k0 = k1;
  }
  return { positions: Float32Array.from(positions), indices: Uint32Array.from(indices) };
}

/** Triangles of one loop: a fan from one of its vertices, or from a new vertex at its centre. */
function fan(ring: number[], from: number, positions: number[], indices: number[]): void {
  const n = ring.length;
  if (from >= 0) {
    for (let i = 1; i + 1 < n; i++) indices.push(ring[from], ring[(from + i) % n], ring[(from + i + 1) % n]);
    return;
  }
  const c = positions.length / 3;
  const centre = [0, 0, 0];
  for (const v of ring) for (let a = 0; a < 3; a++) centre[a] += positions[v * 3 + a] / n;
  positions.push(centre[0], centre[1], centre[2]);
  for (let i = 0; i < n; i++) indices.push(c, ring[i], ring[(i + 1) % n]);
}

function concat(first: Float32Array, rest: Float32Array, plane: number): Float32Array {
  const out = new Float32Array(plane + rest.length);
  out.set(first.subarray(0, plane), 0);
  out.set(rest, plane);
  return out;
}
