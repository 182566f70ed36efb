import { marchingCubes, type SlicedField } from './marching-cubes';
import { simplifyMesh } from './simplify';

function sphere(resolution: number): SlicedField {
  const P = resolution + 1;
  const s = 2 / resolution;
  return {
    resolution,
    lo: -1,
    hi: 1,
    values: async (k0, k1) => {
      const out = new Float32Array((k1 - k0 + 1) * P * P);
      for (let k = k0; k <= k1; k++) for (let j = 0; j < P; j++) for (let i = 0; i < P; i++) out[(k - k0) * P * P + j * P + i] = Math.hypot(-1 + i * s, -1 + j * s, -1 + k * s) - 0.6;
      return out;
    },
  };
}

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
    const uses = new Map<string, number>();
    for (let t = 0; t < small.indices.length; t += 3) {
      for (let e = 0; e < 3; e++) {
        const a = small.indices[t + e], b = small.indices[t + ((e + 1) % 3)];
        const key = a < b ? `${a},${b}` : `${b},${a}`;
        uses.set(key, (uses.get(key) ?? 0) + 1);
      }
    }
    const hist: Record<number, number> = {};
    for (const n of uses.values()) hist[n] = (hist[n] ?? 0) + 1;
    expect(hist).toEqual({ 2: uses.size });
    for (let v = 0; v < small.positions.length; v += 3) expect(Math.hypot(small.positions[v], small.positions[v + 1], small.positions[v + 2])).toBeCloseTo(0.6, 1);
  });
});
