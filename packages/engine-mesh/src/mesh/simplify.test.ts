import { marchingCubes, type SlicedField } from './marching-cubes';
import { simplifyMesh } from './simplify';
import { nonManifoldEdges } from './triangle-mesh';

function analytic(resolution: number, sdf: (x: number, y: number, z: number) => number): SlicedField {
  const P = resolution + 1;
  const s = 2 / resolution;
  return {
    resolution,
    lo: -1,
    hi: 1,
    values: async (k0, k1) => {
      const out = new Float32Array((k1 - k0 + 1) * P * P);
      for (let k = k0; k <= k1; k++) for (let j = 0; j < P; j++) for (let i = 0; i < P; i++) out[(k - k0) * P * P + j * P + i] = sdf(-1 + i * s, -1 + j * s, -1 + k * s);
      return out;
    },
  };
}

const sphere = (resolution: number) => analytic(resolution, (x, y, z) => Math.hypot(x, y, z) - 0.6);
/** A wavy plate two cells thick: collapses make its two sides meet (pinched edges) on the first run. */
const thinPlate = (resolution: number) =>
  analytic(resolution, (x, y, z) => Math.max(Math.abs(y - 0.2 * Math.sin(6 * x) * Math.cos(5 * z)) - 0.03, Math.max(Math.abs(x), Math.abs(z)) - 0.8));

describe('simplifyMesh', () => {
  it('removes the asked share of triangles and keeps a closed sphere closed, its colours with it', async () => {
    const mesh = await marchingCubes(sphere(40));
    const colors = new Float32Array(mesh.positions.length).fill(0.5);
    const { mesh: small } = await simplifyMesh({ ...mesh, colors }, 0.9);
    const before = mesh.indices.length / 3;
    const after = small.indices.length / 3;
    expect(after).toBeLessThanOrEqual(Math.ceil(before * 0.1) + 2);
    expect(after).toBeGreaterThan(before * 0.05);
    expect(small.colors).toHaveLength(small.positions.length);
    expect(nonManifoldEdges(small.indices)).toBe(0);
    for (let v = 0; v < small.positions.length; v += 3) expect(Math.hypot(small.positions[v], small.positions[v + 1], small.positions[v + 2])).toBeCloseTo(0.6, 1);
  });

  it('keeps a thin plate closed: the places the first run pinches are locked and simplified again', async () => {
    const mesh = await marchingCubes(thinPlate(64));
    const { mesh: small, rounds } = await simplifyMesh(mesh, 0.9);
    expect(rounds).toBeGreaterThan(1);
    expect(nonManifoldEdges(small.indices)).toBe(0);
    expect(small.indices.length / 3).toBeLessThanOrEqual(Math.ceil((mesh.indices.length / 3) * 0.1) + 2);
  });
});
