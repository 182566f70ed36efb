import { CASES } from './cube-cases';
import { marchingCubes, type SlicedField } from './marching-cubes';
import { nonManifoldEdges, type TriangleMesh } from './triangle-mesh';

function analytic(resolution: number, sdf: (x: number, y: number, z: number) => number): SlicedField {
  const lo = -1;
  const hi = 1;
  const P = resolution + 1;
  const s = (hi - lo) / resolution;
  return {
    resolution,
    lo,
    hi,
    values: async (k0, k1) => {
      const out = new Float32Array((k1 - k0 + 1) * P * P);
      for (let k = k0; k <= k1; k++) for (let j = 0; j < P; j++) for (let i = 0; i < P; i++) out[(k - k0) * P * P + j * P + i] = sdf(lo + i * s, lo + j * s, lo + k * s);
      return out;
    },
  };
}

function signedVolume(mesh: TriangleMesh): number {
  const p = mesh.positions;
  const ix = mesh.indices;
  let v = 0;
  for (let t = 0; t < ix.length; t += 3) {
    const [a, b, c] = [ix[t] * 3, ix[t + 1] * 3, ix[t + 2] * 3];
    v += (p[a] * (p[b + 1] * p[c + 2] - p[b + 2] * p[c + 1]) - p[a + 1] * (p[b] * p[c + 2] - p[b + 2] * p[c]) + p[a + 2] * (p[b] * p[c + 1] - p[b + 1] * p[c])) / 6;
  }
  return v;
}

describe('marchingCubes', () => {
  it('has a triangulation for every mixed corner pattern and none for all-in or all-out', () => {
    expect(CASES[0]).toHaveLength(0);
    expect(CASES[255]).toHaveLength(0);
    for (let m = 1; m < 255; m++) expect(CASES[m].length).toBeGreaterThan(0);
  });

  it('turns a sphere into a closed mesh with outward normals and the right volume', async () => {
    const mesh = await marchingCubes(analytic(48, (x, y, z) => Math.hypot(x, y, z) - 0.6));
    expect(nonManifoldEdges(mesh.indices)).toBe(0);
    const volume = signedVolume(mesh);
    expect(volume).toBeGreaterThan(0);
    expect(volume).toBeCloseTo((4 / 3) * Math.PI * 0.6 ** 3, 1);
  });

  it('keeps a torus closed and a thin, saddle-rich shape manifold (ambiguous faces agree between cubes)', async () => {
    const torus = (x: number, y: number, z: number) => Math.hypot(Math.hypot(x, z) - 0.5, y) - 0.2;
    const mesh = await marchingCubes(analytic(33, torus));
    expect(nonManifoldEdges(mesh.indices)).toBe(0);
    const gyroid = (x: number, y: number, z: number) =>
      Math.max(Math.sin(9 * x) * Math.cos(9 * y) + Math.sin(9 * y) * Math.cos(9 * z) + Math.sin(9 * z) * Math.cos(9 * x), Math.max(Math.abs(x), Math.abs(y), Math.abs(z)) - 0.85);
    const g = await marchingCubes(analytic(40, gyroid));
    expect(g.indices.length).toBeGreaterThan(3000);
    expect(nonManifoldEdges(g.indices)).toBe(0);
  });

  it("closes a surface the grid cuts with a cap on the grid's face (a shape reaching the edge is not left open)", async () => {
    const lowerHalf = await marchingCubes(analytic(32, (_x, y) => y));
    expect(nonManifoldEdges(lowerHalf.indices)).toBe(0);
    expect(signedVolume(lowerHalf)).toBeCloseTo(4, 1);
  });
});
