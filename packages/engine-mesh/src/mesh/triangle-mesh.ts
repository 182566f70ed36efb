/** An indexed triangle mesh: positions xyz per vertex, optional RGB colours in [0, 1]. */
export interface TriangleMesh {
  positions: Float32Array;
  indices: Uint32Array;
  colors?: Float32Array;
}

export function vertexCount(mesh: TriangleMesh): number {
  return mesh.positions.length / 3;
}

export function triangleCount(mesh: TriangleMesh): number {
  return mesh.indices.length / 3;
}

/**
 * The vertices of edges not shared by exactly two triangles (each edge's two ends): none for a
 * closed 2-manifold mesh (an open boundary's edge is used once, one where sheets meet three or
 * more times).
 */
export function nonManifoldEdgeEnds(indices: Uint32Array): number[] {
  const uses = new Map<number, number>();
  const span = 2 ** 26;
  for (let t = 0; t < indices.length; t += 3) {
    for (let e = 0; e < 3; e++) {
      const a = indices[t + e];
      const b = indices[t + ((e + 1) % 3)];
      const key = a < b ? a * span + b : b * span + a;
      uses.set(key, (uses.get(key) ?? 0) + 1);
    }
  }
  const ends: number[] = [];
  for (const [key, n] of uses) if (n !== 2) ends.push(Math.floor(key / span), key % span);
  return ends;
}

export function nonManifoldEdges(indices: Uint32Array): number {
  return nonManifoldEdgeEnds(indices).length / 2;
}

/** Area-weighted vertex normals (unit length; zero for an isolated vertex). */
export function vertexNormals(mesh: TriangleMesh): Float32Array {
  const { positions: p, indices: ix } = mesh;
  const n = new Float32Array(p.length);
  for (let t = 0; t < ix.length; t += 3) {
    const a = ix[t] * 3;
    const b = ix[t + 1] * 3;
    const c = ix[t + 2] * 3;
    const ux = p[b] - p[a], uy = p[b + 1] - p[a + 1], uz = p[b + 2] - p[a + 2];
    const vx = p[c] - p[a], vy = p[c + 1] - p[a + 1], vz = p[c + 2] - p[a + 2];
    const nx = uy * vz - uz * vy, ny = uz * vx - ux * vz, nz = ux * vy - uy * vx;
    for (const v of [a, b, c]) {
      n[v] += nx;
      n[v + 1] += ny;
      n[v + 2] += nz;
    }
  }
  for (let v = 0; v < n.length; v += 3) {
    const len = Math.hypot(n[v], n[v + 1], n[v + 2]);
    if (len > 0) {
      n[v] /= len;
      n[v + 1] /= len;
      n[v + 2] /= len;
    }
  }
  return n;
}

/** Axis-aligned bounds [min xyz, max xyz]. */
export function bounds(mesh: TriangleMesh): { min: [number, number, number]; max: [number, number, number] } {
  const min: [number, number, number] = [Infinity, Infinity, Infinity];
  const max: [number, number, number] = [-Infinity, -Infinity, -Infinity];
  const p = mesh.positions;
  for (let i = 0; i < p.length; i += 3) {
    for (let a = 0; a < 3; a++) {
      if (p[i + a] < min[a]) min[a] = p[i + a];
      if (p[i + a] > max[a]) max[a] = p[i + a];
    }
  }
  return { min, max };
}

/** Drops vertices no triangle uses (after simplification), renumbering the indices. */
export function compact(mesh: TriangleMesh): TriangleMesh {
  const n = vertexCount(mesh);
  const remap = new Int32Array(n).fill(-1);
  let next = 0;
  for (const i of mesh.indices) if (remap[i] < 0) remap[i] = next++;
  const positions = new Float32Array(next * 3);
  const colors = mesh.colors ? new Float32Array(next * 3) : undefined;
  for (let v = 0; v < n; v++) {
    const w = remap[v];
    if (w < 0) continue;
    positions.set(mesh.positions.subarray(v * 3, v * 3 + 3), w * 3);
    colors?.set(mesh.colors!.subarray(v * 3, v * 3 + 3), w * 3);
  }
  return { positions, indices: Uint32Array.from(mesh.indices, (i) => remap[i]), colors };
}
