import { marchingCubes } from '../mesh/marching-cubes';
import type { TriangleMesh } from '../mesh/triangle-mesh';
import { writeMeshFile } from './mesh-file';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const validator = require('gltf-validator') as { validateBytes(data: Uint8Array, options?: object): Promise<{ issues: { numErrors: number; numWarnings: number; messages: { code: string; message: string }[] } }> };

async function colouredSphere(): Promise<TriangleMesh> {
  const R = 24;
  const P = R + 1;
  const mesh = await marchingCubes({
    resolution: R,
    lo: -1,
    hi: 1,
    values: async (k0, k1) => {
      const out = new Float32Array((k1 - k0 + 1) * P * P);
      for (let k = k0; k <= k1; k++) for (let j = 0; j < P; j++) for (let i = 0; i < P; i++) out[(k - k0) * P * P + j * P + i] = Math.hypot(-1 + (2 * i) / R, -1 + (2 * j) / R, -1 + (2 * k) / R) - 0.5;
      return out;
    },
  });
  const colors = new Float32Array(mesh.positions.length);
  for (let v = 0; v < colors.length; v += 3) colors.set([220 / 255, 30 / 255, 30 / 255], v);
  return { ...mesh, colors };
}

describe('writeMeshFile', () => {
  let mesh: TriangleMesh;
  beforeAll(async () => {
    mesh = await colouredSphere();
  });
  const vertices = () => mesh.positions.length / 3;
  const triangles = () => mesh.indices.length / 3;

  it('writes a GLB the Khronos validator accepts, with vertex colours, normals and every triangle', async () => {
    const file = await writeMeshFile(mesh, 'glb');
    expect(file.mimeType).toBe('model/gltf-binary');
    const report = await validator.validateBytes(file.bytes);
    if (report.issues.numErrors > 0) console.log(report.issues.messages);
    expect(report.issues.numErrors).toBe(0);
    const view = new DataView(file.bytes.buffer, file.bytes.byteOffset);
    const json = JSON.parse(new TextDecoder().decode(file.bytes.subarray(20, 20 + view.getUint32(12, true))));
    const primitive = json.meshes[0].primitives[0];
    expect(Object.keys(primitive.attributes).sort()).toEqual(['COLOR_0', 'NORMAL', 'POSITION']);
    expect(json.accessors[primitive.indices].count).toBe(triangles() * 3);
    expect(json.accessors[primitive.attributes.POSITION].count).toBe(vertices());
    // the same mesh gives the same bytes
    expect(Buffer.from((await writeMeshFile(mesh, 'glb')).bytes).equals(Buffer.from(file.bytes))).toBe(true);
  });

  it('writes OBJ with "v x y z r g b", PLY with uchar colours and binary STL, each with every triangle', async () => {
    const obj = new TextDecoder().decode((await writeMeshFile(mesh, 'obj')).bytes).split('\n');
    const v = obj.filter((l) => l.startsWith('v '));
    expect(v).toHaveLength(vertices());
    expect(v[0].split(' ')).toHaveLength(7);
    expect(Number(v[0].split(' ')[4])).toBeCloseTo(220 / 255, 5);
    expect(obj.filter((l) => l.startsWith('f '))).toHaveLength(triangles());

    const ply = (await writeMeshFile(mesh, 'ply')).bytes;
    const header = new TextDecoder().decode(ply.subarray(0, 400));
    expect(header).toContain(`element vertex ${vertices()}`);
    expect(header).toContain(`element face ${triangles()}`);
    const headerEnd = header.indexOf('end_header\n') + 'end_header\n'.length;
    expect(ply.length).toBe(headerEnd + vertices() * 15 + triangles() * 13);
    expect([...ply.subarray(headerEnd + 12, headerEnd + 15)]).toEqual([220, 30, 30]);

    const stl = (await writeMeshFile(mesh, 'stl')).bytes;
    expect(stl.length).toBe(84 + 50 * triangles());
    expect(new DataView(stl.buffer, stl.byteOffset).getUint32(80, true)).toBe(triangles());
  });
});
