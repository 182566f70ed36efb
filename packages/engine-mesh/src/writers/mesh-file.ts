import type { TriangleMesh } from '../mesh/triangle-mesh';
import { writeGlb } from './glb';
import { writeObj } from './obj';
import { writePly } from './ply';
import { writeStl } from './stl';

export const MESH_FORMATS = ['glb', 'obj', 'ply', 'stl'] as const;
export type MeshFormat = (typeof MESH_FORMATS)[number];

export const MESH_MIME_TYPES: Record<MeshFormat, string> = {
  glb: 'model/gltf-binary',
  obj: 'model/obj',
  ply: 'application/x-ply',
  stl: 'model/stl',
};

export interface MeshFile {
  format: MeshFormat;
  mimeType: string;
  bytes: Uint8Array;
}

export async function writeMeshFile(mesh: TriangleMesh, format: MeshFormat): Promise<MeshFile> {
  const bytes = format === 'glb' ? await writeGlb(mesh) : format === 'obj' ? writeObj(mesh) : format === 'ply' ? writePly(mesh) : writeStl(mesh);
  return { format, mimeType: MESH_MIME_TYPES[format], bytes };
}
