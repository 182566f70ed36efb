import type { JudgedMesh } from './voxelize';

const toSrgb = (c: number) => (c <= 0.0031308 ? 12.92 * c : 1.055 * c ** (1 / 2.4) - 0.055);

interface Gltf {
  meshes?: { primitives: { attributes: Record<string, number>; indices?: number }[] }[];
  accessors: { bufferView: number; byteOffset?: number; componentType: number; count: number; type: string; normalized?: boolean }[];
  bufferViews: { byteOffset?: number; byteLength: number; byteStride?: number }[];
}

const COMPONENTS: Record<string, number> = { SCALAR: 1, VEC2: 2, VEC3: 3, VEC4: 4 };

/**
 * The first primitive of a GLB, read by the judge itself from the container (header, JSON and BIN
 * chunks, accessors) rather than by the library that wrote it; COLOR_0 back from linear to sRGB.
 */
export function readGlbMesh(bytes: Uint8Array): JudgedMesh {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (view.getUint32(0, true) !== 0x46546c67) throw new Error('not a GLB (no glTF magic)');
  const jsonLength = view.getUint32(12, true);
  const gltf = JSON.parse(new TextDecoder().decode(bytes.subarray(20, 20 + jsonLength))) as Gltf;
  const binStart = 20 + jsonLength + 8;
  const read = (index: number): { values: number[]; size: number; normalized: boolean; type: number } => {
    const a = gltf.accessors[index];
    const bv = gltf.bufferViews[a.bufferView];
    const size = COMPONENTS[a.type];
    const width = a.componentType === 5126 || a.componentType === 5125 ? 4 : a.componentType === 5123 ? 2 : 1;
    const stride = bv.byteStride ?? size * width;
    const base = binStart + (bv.byteOffset ?? 0) + (a.byteOffset ?? 0);
    const values: number[] = [];
    for (let i = 0; i < a.count; i++) {
      for (let c = 0; c < size; c++) {
        const o = base + i * stride + c * width;
        values.push(a.componentType === 5126 ? view.getFloat32(o, true) : a.componentType === 5125 ? view.getUint32(o, true) : a.componentType === 5123 ? view.getUint16(o, true) : view.getUint8(o));
      }
    }
    return { values, size, normalized: a.normalized ?? false, type: a.componentType };
  };
  const primitive = gltf.meshes?.[0]?.primitives[0];
  if (!primitive || primitive.attributes.POSITION === undefined || primitive.indices === undefined) throw new Error('the GLB holds no indexed mesh');
  const positions = Float32Array.from(read(primitive.attributes.POSITION).values);
  const indices = Uint32Array.from(read(primitive.indices).values);
  let colors: Float32Array | undefined;
  if (primitive.attributes.COLOR_0 !== undefined) {
    const c = read(primitive.attributes.COLOR_0);
    const scale = c.normalized ? (c.type === 5121 ? 255 : 65535) : 1;
    const n = c.values.length / c.size;
    colors = new Float32Array(n * 3);
    for (let v = 0; v < n; v++) for (let k = 0; k < 3; k++) colors[v * 3 + k] = toSrgb(c.values[v * c.size + k] / scale);
  }
  return { positions, indices, colors };
}
