/** A triangle mesh as the judge reads it: positions, triangle indices, sRGB vertex colours in [0, 1]. */
export interface JudgedMesh {
  positions: Float32Array;
  indices: Uint32Array;
  colors?: Float32Array;
}

/**
 * The mesh's solid on a res^3 grid of cell centres over [-1, 1]^3 (index (k * res + j) * res + i for
 * x = i, y = j, z = k): for each (x, y) column a ray along z meets the triangles, and the cells
 * between the 1st and 2nd crossing, the 3rd and 4th... are inside (even-odd rule, exact for a
 * closed mesh). The rays pass a hair (1e-4 of a cell) off the centres: a mesh made on a grid that holds
 * those centres (marching cubes at 2 or 4 times the judge's resolution) has its vertices and edges
 * exactly on the rays, where each of a vertex's triangles may count the crossing or none may.
 */
export function voxelize(mesh: JudgedMesh, res: number): Uint8Array {
  const cell = 2 / res;
  const rayX = (i: number) => -1 + (i + 0.5 + 1e-4 * Math.SQRT2) * cell;
  const rayY = (j: number) => -1 + (j + 0.5 + 1e-4 * Math.SQRT1_2) * cell;
  const hits: number[][] = Array.from({ length: res * res }, () => []);
  const p = mesh.positions;
  const ix = mesh.indices;
  for (let t = 0; t < ix.length; t += 3) {
    const a = ix[t] * 3, b = ix[t + 1] * 3, c = ix[t + 2] * 3;
    const x0 = p[a], y0 = p[a + 1], z0 = p[a + 2];
    const x1 = p[b], y1 = p[b + 1], z1 = p[b + 2];
    const x2 = p[c], y2 = p[c + 1], z2 = p[c + 2];
    const det = (y1 - y2) * (x0 - x2) + (x2 - x1) * (y0 - y2);
    if (det === 0) continue;
    // a column one further on each side: the rays sit a hair past the centres the bounds are computed for
    const iMin = Math.max(0, Math.ceil((Math.min(x0, x1, x2) + 1) / cell - 0.5) - 1);
    const iMax = Math.min(res - 1, Math.floor((Math.max(x0, x1, x2) + 1) / cell - 0.5) + 1);
    const jMin = Math.max(0, Math.ceil((Math.min(y0, y1, y2) + 1) / cell - 0.5) - 1);
    const jMax = Math.min(res - 1, Math.floor((Math.max(y0, y1, y2) + 1) / cell - 0.5) + 1);
    for (let j = jMin; j <= jMax; j++) {
      const y = rayY(j);
      for (let i = iMin; i <= iMax; i++) {
        const x = rayX(i);
        const l0 = ((y1 - y2) * (x - x2) + (x2 - x1) * (y - y2)) / det;
        const l1 = ((y2 - y0) * (x - x2) + (x0 - x2) * (y - y2)) / det;
        const l2 = 1 - l0 - l1;
        if (l0 < 0 || l1 < 0 || l2 <= 0) continue;
        hits[j * res + i].push(l0 * z0 + l1 * z1 + l2 * z2);
      }
    }
  }
  const grid = new Uint8Array(res * res * res);
  for (let j = 0; j < res; j++) {
    for (let i = 0; i < res; i++) {
      const zs = hits[j * res + i].sort((u, v) => u - v);
      for (let h = 0; h + 1 < zs.length; h += 2) {
        const kMin = Math.max(0, Math.ceil((zs[h] + 1) / cell - 0.5));
        const kMax = Math.min(res - 1, Math.floor((zs[h + 1] + 1) / cell - 0.5));
        for (let k = kMin; k <= kMax; k++) grid[(k * res + j) * res + i] = 1;
      }
    }
  }
  return grid;
}

/** Edges used by other than exactly two triangles (0 for a closed, manifold mesh). */
export function openEdges(mesh: JudgedMesh): number {
  const uses = new Map<number, number>();
  const n = mesh.positions.length / 3;
  const ix = mesh.indices;
  for (let t = 0; t < ix.length; t += 3) {
    for (let e = 0; e < 3; e++) {
      const a = ix[t + e];
      const b = ix[t + ((e + 1) % 3)];
      const key = a < b ? a * n + b : b * n + a;
      uses.set(key, (uses.get(key) ?? 0) + 1);
    }
  }
  let bad = 0;
  for (const count of uses.values()) if (count !== 2) bad++;
  return bad;
}
