import { marchingCubes, type SlicedField } from '@easel/engine-mesh';
import { judgeMesh, meshHeldOut } from './mesh-judge';
import { insideScene, type PrimitiveSpec } from './primitives';
import type { JudgedMesh } from './voxelize';

const RED: [number, number, number] = [220, 30, 30];

/** A mesh of the scene's solid (marching cubes over a +-1 inside/outside field), coloured one colour. */
async function meshOf(objects: PrimitiveSpec[], rgb: [number, number, number], resolution = 96): Promise<JudgedMesh> {
  const P = resolution + 1;
  const s = 2 / resolution;
  const field: SlicedField = {
    resolution,
    lo: -1,
    hi: 1,
    values: async (k0, k1) => {
      const out = new Float32Array((k1 - k0 + 1) * P * P);
      for (let k = k0; k <= k1; k++) for (let j = 0; j < P; j++) for (let i = 0; i < P; i++) out[(k - k0) * P * P + j * P + i] = insideScene(objects, -1 + i * s, -1 + j * s, -1 + k * s) ? -1 : 1;
      return out;
    },
  };
  const mesh = await marchingCubes(field);
  const colors = new Float32Array(mesh.positions.length);
  for (let v = 0; v < colors.length; v += 3) colors.set(rgb.map((c) => c / 255), v);
  return { ...mesh, colors };
}

const cube: PrimitiveSpec = { shape: 'cube', colour: 'red', size: null, center: [0, 0, 0], scale: 0.45 };
const sphere: PrimitiveSpec = { shape: 'sphere', colour: 'red', size: null, center: [0, 0, 0], scale: 0.45 };

describe('judgeMesh', () => {
  const { colours } = meshHeldOut();

  it('passes the true solid in its colour, closed', async () => {
    const verdict = judgeMesh(await meshOf([cube], RED), [cube], colours);
    expect(verdict.iou).toBeGreaterThan(0.85);
    expect(verdict).toMatchObject({ colours: ['red'], coloursRight: true, openEdges: 0, passed: true });
  });

  it('judges a mesh whose vertices lie on its rays (marching cubes at 2 and 4 times its grid) as the solid it is', async () => {
    // at 128 and 256 cells every vertex of the judge's 64-cell ray grid is a mesh vertex: parity must not flip there
    for (const resolution of [128, 256]) {
      for (const solid of [cube, sphere]) {
        const verdict = judgeMesh(await meshOf([solid], RED, resolution), [solid], colours);
        expect(verdict.iou).toBeGreaterThan(0.9);
        expect(verdict.passed).toBe(true);
      }
    }
  });

  it('fails another shape, the wrong size, the wrong colour and the wrong side', async () => {
    const cubeMesh = await meshOf([cube], RED);
    const torus: PrimitiveSpec = { ...cube, shape: 'torus' };
    expect(judgeMesh(cubeMesh, [torus], colours).passed).toBe(false);
    const small: PrimitiveSpec = { ...cube, scale: 0.3 };
    expect(judgeMesh(cubeMesh, [small], colours).iou).toBeLessThan(0.4);
    expect(judgeMesh(cubeMesh, [{ ...cube, colour: 'blue' }], colours)).toMatchObject({ coloursRight: false, passed: false });
    const pair: PrimitiveSpec[] = [
      { ...sphere, center: [-0.5, 0, 0], scale: 0.34 },
      { ...cube, center: [0.5, 0, 0], scale: 0.34 },
    ];
    const swapped: PrimitiveSpec[] = [
      { ...cube, center: [-0.5, 0, 0], scale: 0.34 },
      { ...sphere, center: [0.5, 0, 0], scale: 0.34 },
    ];
    const pairMesh = await meshOf(pair, RED);
    expect(judgeMesh(pairMesh, pair, colours).passed).toBe(true);
    expect(judgeMesh(pairMesh, swapped, colours).iou).toBeLessThan(judgeMesh(pairMesh, pair, colours).iou - 0.1);
  });

  it('counts the edges of an open mesh', async () => {
    const mesh = await meshOf([sphere], RED);
    const open = { ...mesh, indices: mesh.indices.slice(3) };
    expect(judgeMesh(open, [sphere], colours).openEdges).toBe(3);
  });

  it('reads the held-out set: prompts and views of pairs never seen in training', () => {
    const heldOut = meshHeldOut();
    expect(heldOut.prompts.length).toBeGreaterThanOrEqual(30);
    expect(heldOut.views.length).toBeGreaterThanOrEqual(16);
    expect(heldOut.prompts[0]).toEqual({ prompt: expect.any(String), objects: expect.any(Array) });
  });
});
