import { runWithEsm } from '../esm-worker';
import { vertexNormals, type TriangleMesh } from '../mesh/triangle-mesh';

/**
 * Binary glTF 2.0 written by glTF-Transform: one mesh, one primitive with POSITION, NORMAL,
 * COLOR_0 (the decoder's vertex colours, linear RGB as glTF defines vertex colours) and 32-bit
 * indices; a white, rough, non-metallic material so viewers show the vertex colours as they are.
 * glTF-Transform runs in a worker thread (it depends on an ES-module-only package).
 */
export async function writeGlb(mesh: TriangleMesh, name = 'easel-mesh'): Promise<Uint8Array> {
  const data = { name, positions: mesh.positions, normals: vertexNormals(mesh), indices: mesh.indices, colors: mesh.colors ? srgbToLinear(mesh.colors) : null };
  return runWithEsm<Uint8Array>(
    ['@gltf-transform/core'],
    `async ([{ Document, NodeIO }], d) => {
      const doc = new Document();
      doc.getRoot().getAsset().generator = 'Easel engine-mesh';
      const buffer = doc.createBuffer();
      const accessor = (name, type, array) => doc.createAccessor(name).setType(type).setArray(array).setBuffer(buffer);
      const material = doc.createMaterial('vertex-colour').setBaseColorFactor([1, 1, 1, 1]).setMetallicFactor(0).setRoughnessFactor(0.8);
      const primitive = doc.createPrimitive()
        .setAttribute('POSITION', accessor('POSITION', 'VEC3', d.positions))
        .setAttribute('NORMAL', accessor('NORMAL', 'VEC3', d.normals))
        .setIndices(accessor('indices', 'SCALAR', d.indices))
        .setMaterial(material);
      if (d.colors) primitive.setAttribute('COLOR_0', accessor('COLOR_0', 'VEC3', d.colors));
      const node = doc.createNode(d.name).setMesh(doc.createMesh(d.name).addPrimitive(primitive));
      doc.createScene('scene').addChild(node);
      return new NodeIO().writeBinary(doc);
    }`,
    data,
  );
}

/** glTF's COLOR_0 is linear; the decoder's colours are sRGB like the palette they were trained on. */
export function srgbToLinear(colors: Float32Array): Float32Array {
  return colors.map((c) => (c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4));
}
