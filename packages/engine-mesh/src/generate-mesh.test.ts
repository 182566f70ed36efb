import { join } from 'node:path';
import sharp from 'sharp';
import { generateMesh } from './generate-mesh';
import { loadMeshModel, type MeshModel } from './mesh-model';
import type { MeshRequest } from './mesh-request';
import { nonManifoldEdges } from './mesh/triangle-mesh';

const MODEL = join(__dirname, '../../../models/easel-tiny-mesh');
const BASE: MeshRequest = { prompt: 'a red cube', seed: 3, steps: 6, guidanceScale: 3, resolution: 48, outputFormat: 'glb', meshSimplify: 0, removeBackground: true, foregroundRatio: 0.85, turntable: false };

describe('generateMesh (easel-tiny-mesh)', () => {
  let model: MeshModel;
  beforeAll(async () => {
    model = await loadMeshModel(MODEL, { intraOpNumThreads: 1 });
  });
  afterAll(() => model?.release());

  it('makes a closed, coloured mesh within the bounds, reports its phases, and repeats itself for the same seed', async () => {
    const phases: string[] = [];
    const a = await generateMesh(model, BASE, { onProgress: (e) => phases.push(`${e.phase} ${e.step}/${e.total}`) });
    expect(phases).toEqual(['denoise 1/8', 'denoise 2/8', 'denoise 3/8', 'denoise 4/8', 'denoise 5/8', 'denoise 6/8', 'surface 7/8', 'files 8/8']);
    expect(a.triangles).toBeGreaterThan(100);
    expect(nonManifoldEdges(a.mesh.indices)).toBe(0);
    expect(a.mesh.colors).toHaveLength(a.mesh.positions.length);
    expect(Math.max(...a.mesh.positions.map(Math.abs))).toBeLessThanOrEqual(1);
    expect(a.file.mimeType).toBe('model/gltf-binary');
    expect((await sharp(a.preview).metadata()).width).toBe(256);
    const b = await generateMesh(model, BASE);
    expect(Buffer.from(b.file.bytes).equals(Buffer.from(a.file.bytes))).toBe(true);
    const c = await generateMesh(model, { ...BASE, seed: 4 });
    expect(Buffer.from(c.file.bytes).equals(Buffer.from(a.file.bytes))).toBe(false);
  });

  it('simplifies to the asked share and keeps the mesh closed; image_to_3d reads a picture', async () => {
    const full = await generateMesh(model, { ...BASE, resolution: 64 });
    const simple = await generateMesh(model, { ...BASE, resolution: 64, meshSimplify: 0.9 });
    expect(simple.extractedTriangles).toBe(full.triangles);
    expect(simple.triangles).toBeLessThanOrEqual(Math.ceil(full.triangles * 0.1) + 2);
    expect(nonManifoldEdges(simple.mesh.indices)).toBe(0);
    const disc = await sharp(Buffer.from('<svg width="64" height="64"><rect width="64" height="64" fill="rgb(30,170,50)"/><circle cx="32" cy="32" r="20" fill="rgb(245,225,40)"/></svg>')).png().toBuffer();
    const fromImage = await generateMesh(model, { ...BASE, prompt: undefined, image: disc });
    expect(fromImage.triangles).toBeGreaterThan(100);
    expect(fromImage.framedView).toHaveLength(64 * 64 * 3);
  });

  it('refuses a grid or step count out of range, naming the field', async () => {
    await expect(generateMesh(model, { ...BASE, resolution: 2048 })).rejects.toMatchObject({ field: 'resolution' });
    await expect(generateMesh(model, { ...BASE, steps: 0 })).rejects.toMatchObject({ field: 'num_inference_steps' });
  });
});
