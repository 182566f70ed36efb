import { runWithEsm } from '../esm-worker';
import { compact, type TriangleMesh } from './triangle-mesh';

export interface Simplified {
  mesh: TriangleMesh;
}

/**
 * Removes `ratio` of the triangles (mesh_simplify: 0.95 keeps 5 %) by meshoptimizer's
 * quadric edge collapses (in a worker thread: the package ships ES modules only), which keep the topology (a closed mesh stays closed), within an
 * error of 1 % of the mesh's size; vertex colours follow the vertices that remain.
 */
export async function simplifyMesh(mesh: TriangleMesh, ratio: number): Promise<Simplified> {
  const target = Math.max(3, Math.floor((mesh.indices.length / 3) * (1 - ratio)) * 3);
  if (ratio <= 0 || target >= mesh.indices.length) return { mesh };
  const { indices } = await runWithEsm<{ indices: Uint32Array }>(
    ['meshoptimizer'],
    `async ([{ MeshoptSimplifier }], d) => {
      await MeshoptSimplifier.ready;
      const [indices, error] = MeshoptSimplifier.simplify(d.indices, d.positions, 3, d.target, d.error, []);
      return { indices, error };
    }`,
    { indices: mesh.indices, positions: mesh.positions, target, error: 0.01 },
  );
  return { mesh: compact({ ...mesh, indices }) };
}
