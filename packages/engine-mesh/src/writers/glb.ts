import { Document, NodeIO } from '@gltf-transform/core';
import { vertexNormals, type TriangleMesh } from '../mesh/triangle-mesh';

/**
 * Binary glTF 2.0: one mesh, one primitive with POSITION, NORMAL, COLOR_0 (the decoder's vertex
 * colours, linear RGB as glTF defines vertex colours) and 32-bit indices; a white, rough,
 * non-metallic material so viewers show the vertex colours as they are.
 */
export async function writeGlb(mesh: TriangleMesh, name = 'easel-mesh'): Promise<Uint8Array> {
  const doc = new Document();
  doc.getRoot().getAsset().generator = 'Easel engine-mesh';
  const buffer = doc.createBuffer();
  const position = doc.createAccessor('POSITION').setType('VEC3').setArray(mesh.positions).setBuffer(buffer);
  const normal = doc.createAccessor('NORMAL').setType('VEC3').setArray(vertexNormals(mesh)).setBuffer(buffer);
  const indices = doc.createAccessor('indices').setType('SCALAR').setArray(mesh.indices).setBuffer(buffer);
  const material = doc.createMaterial('vertex-colour').setBaseColorFactor([1, 1, 1, 1]).setMetallicFactor(0).setRoughnessFactor(0.8);
  const primitive = doc.createPrimitive().setAttribute('POSITION', position).setAttribute('NORMAL', normal).setIndices(indices).setMaterial(material);
  if (mesh.colors) primitive.setAttribute('COLOR_0', doc.createAccessor('COLOR_0').setType('VEC3').setArray(srgbToLinear(mesh.colors)).setBuffer(buffer));
  const node = doc.createNode(name).setMesh(doc.createMesh(name).addPrimitive(primitive));
  doc.createScene('scene').addChild(node);
  return new NodeIO().writeBinary(doc);
}

/** glTF's COLOR_0 is linear; the decoder's colours are sRGB like the palette they were trained on. */
export function srgbToLinear(colors: Float32Array): Float32Array {
  return colors.map((c) => (c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4));
}
