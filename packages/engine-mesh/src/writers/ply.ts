import type { TriangleMesh } from '../mesh/triangle-mesh';

/** Binary little-endian PLY: float x y z, uchar red green blue per vertex; uchar-counted int face lists. */
export function writePly(mesh: TriangleMesh): Uint8Array {
  const nv = mesh.positions.length / 3;
  const nf = mesh.indices.length / 3;
  const header = [
    'ply',
    'format binary_little_endian 1.0',
    'comment Easel engine-mesh',
    `element vertex ${nv}`,
    'property float x',
    'property float y',
    'property float z',
    'property uchar red',
    'property uchar green',
    'property uchar blue',
    `element face ${nf}`,
    'property list uchar int vertex_indices',
    'end_header',
    '',
  ].join('\n');
  const head = new TextEncoder().encode(header);
  const out = new Uint8Array(head.length + nv * 15 + nf * 13);
  out.set(head, 0);
  const view = new DataView(out.buffer);
  let o = head.length;
  for (let v = 0; v < nv; v++) {
    for (let a = 0; a < 3; a++, o += 4) view.setFloat32(o, mesh.positions[v * 3 + a], true);
    for (let a = 0; a < 3; a++) out[o++] = Math.round(255 * Math.min(1, Math.max(0, mesh.colors?.[v * 3 + a] ?? 0.8)));
  }
  for (let f = 0; f < nf; f++) {
    out[o++] = 3;
    for (let a = 0; a < 3; a++, o += 4) view.setInt32(o, mesh.indices[f * 3 + a], true);
  }
  return out;
}
