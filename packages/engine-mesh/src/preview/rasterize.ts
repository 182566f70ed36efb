import { vertexNormals, type TriangleMesh } from '../mesh/triangle-mesh';
import { cameraBasis, type Camera } from './camera';

/** The light of the training views (render.py): from the upper left, in front. */
const LIGHT = (() => {
  const l = [-0.45, 0.75, 0.5];
  const n = Math.hypot(...l);
  return l.map((x) => x / n);
})();
const AMBIENT = 0.35;
const DIFFUSE = 0.75;

export interface RenderOptions {
  size: number;
  camera: Camera;
  /** Background grey in [0, 1]. */
  background: number;
}

/**
 * A z-buffered software rasterizer: perspective projection, vertex colours interpolated across
 * each triangle, Lambert shading from interpolated normals, as the training views were lit. It
 * draws the mesh it is given, so a preview shows what the file holds. Returns RGB bytes.
 */
export function renderMesh(mesh: TriangleMesh, options: RenderOptions): Uint8Array {
  const { size, background } = options;
  const cam = cameraBasis(options.camera);
  const nv = mesh.positions.length / 3;
  const sx = new Float32Array(nv);
  const sy = new Float32Array(nv);
  const depth = new Float32Array(nv);
  const p = mesh.positions;
  for (let v = 0; v < nv; v++) {
    const d = [p[v * 3] - cam.eye[0], p[v * 3 + 1] - cam.eye[1], p[v * 3 + 2] - cam.eye[2]];
    const z = d[0] * cam.forward[0] + d[1] * cam.forward[1] + d[2] * cam.forward[2];
    const x = (d[0] * cam.right[0] + d[1] * cam.right[1] + d[2] * cam.right[2]) / (z * cam.focal);
    const y = (d[0] * cam.up[0] + d[1] * cam.up[1] + d[2] * cam.up[2]) / (z * cam.focal);
    sx[v] = ((x + 1) / 2) * size;
    sy[v] = ((1 - y) / 2) * size;
    depth[v] = z;
  }
  const normals = vertexNormals(mesh);
  const shade = new Float32Array(nv);
  for (let v = 0; v < nv; v++) {
    const l = normals[v * 3] * LIGHT[0] + normals[v * 3 + 1] * LIGHT[1] + normals[v * 3 + 2] * LIGHT[2];
    shade[v] = AMBIENT + DIFFUSE * Math.max(0, l);
  }
  const zbuf = new Float32Array(size * size).fill(Infinity);
  const rgb = new Float32Array(size * size * 3).fill(background);
  const ix = mesh.indices;
  for (let t = 0; t < ix.length; t += 3) {
    const a = ix[t], b = ix[t + 1], c = ix[t + 2];
    const area = (sx[b] - sx[a]) * (sy[c] - sy[a]) - (sx[c] - sx[a]) * (sy[b] - sy[a]);
    if (area === 0 || depth[a] <= 0 || depth[b] <= 0 || depth[c] <= 0) continue;
    const x0 = Math.max(0, Math.floor(Math.min(sx[a], sx[b], sx[c])));
    const x1 = Math.min(size - 1, Math.ceil(Math.max(sx[a], sx[b], sx[c])));
    const y0 = Math.max(0, Math.floor(Math.min(sy[a], sy[b], sy[c])));
    const y1 = Math.min(size - 1, Math.ceil(Math.max(sy[a], sy[b], sy[c])));
    for (let y = y0; y <= y1; y++) {
      for (let x = x0; x <= x1; x++) {
        const px = x + 0.5, py = y + 0.5;
        const wa = ((sx[b] - px) * (sy[c] - py) - (sx[c] - px) * (sy[b] - py)) / area;
        const wb = ((sx[c] - px) * (sy[a] - py) - (sx[a] - px) * (sy[c] - py)) / area;
        const wc = 1 - wa - wb;
        if (wa < 0 || wb < 0 || wc < 0) continue;
        const z = wa * depth[a] + wb * depth[b] + wc * depth[c];
        const o = y * size + x;
        if (z >= zbuf[o]) continue;
        zbuf[o] = z;
        const s = wa * shade[a] + wb * shade[b] + wc * shade[c];
        for (let k = 0; k < 3; k++) {
          const col = mesh.colors ? wa * mesh.colors[a * 3 + k] + wb * mesh.colors[b * 3 + k] + wc * mesh.colors[c * 3 + k] : 0.8;
          rgb[o * 3 + k] = col * s;
        }
      }
    }
  }
  return Uint8Array.from(rgb, (v) => Math.round(255 * Math.min(1, Math.max(0, v))));
}
