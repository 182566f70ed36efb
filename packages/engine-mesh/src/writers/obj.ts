import { vertexNormals, type TriangleMesh } from '../mesh/triangle-mesh';

const f6 = (v: number) => (Math.round(v * 1e6) / 1e6).toString();

/** Wavefront OBJ with per-vertex colours as "v x y z r g b" (the extension MeshLab, Blender and trimesh read) and normals. */
export function writeObj(mesh: TriangleMesh): Uint8Array {
  const lines = ['# Easel engine-mesh'];
  const { positions: p, colors: c } = mesh;
  const n = vertexNormals(mesh);
  for (let v = 0; v < p.length; v += 3) {
    const xyz = `v ${f6(p[v])} ${f6(p[v + 1])} ${f6(p[v + 2])}`;
    lines.push(c ? `${xyz} ${f6(c[v])} ${f6(c[v + 1])} ${f6(c[v + 2])}` : xyz);
  }
  for (let v = 0; v < n.length; v += 3) lines.push(`vn ${f6(n[v])} ${f6(n[v + 1])} ${f6(n[v + 2])}`);
  const ix = mesh.indices;
  for (let t = 0; t < ix.length; t += 3) {
    const [a, b, d] = [ix[t] + 1, ix[t + 1] + 1, ix[t + 2] + 1];
    lines.push(`f ${a}//${a} ${b}//${b} ${d}//${d}`);
  }
  return new TextEncoder().encode(lines.join('\n') + '\n');
}
