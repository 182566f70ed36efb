import type { TriangleMesh } from '../mesh/triangle-mesh';

/** Binary STL (geometry only: STL has no standard colour): an 80-byte header, then a normal and three corners per triangle. */
export function writeStl(mesh: TriangleMesh): Uint8Array {
  const nf = mesh.indices.length / 3;
  const out = new Uint8Array(84 + nf * 50);
  out.set(new TextEncoder().encode('Easel engine-mesh binary STL'), 0);
  const view = new DataView(out.buffer);
  view.setUint32(80, nf, true);
  const p = mesh.positions;
  let o = 84;
  for (let f = 0; f < nf; f++) {
    const [a, b, c] = [0, 1, 2].map((k) => mesh.indices[f * 3 + k] * 3);
    const u = [p[b] - p[a], p[b + 1] - p[a + 1], p[b + 2] - p[a + 2]];
    const v = [p[c] - p[a], p[c + 1] - p[a + 1], p[c + 2] - p[a + 2]];
    const n = [u[1] * v[2] - u[2] * v[1], u[2] * v[0] - u[0] * v[2], u[0] * v[1] - u[1] * v[0]];
    const len = Math.hypot(n[0], n[1], n[2]) || 1;
    for (const x of n) {
      view.setFloat32(o, x / len, true);
      o += 4;
    }
    for (const q of [a, b, c]) {
      for (let k = 0; k < 3; k++, o += 4) view.setFloat32(o, p[q + k], true);
    }
    o += 2;
  }
  return out;
}
