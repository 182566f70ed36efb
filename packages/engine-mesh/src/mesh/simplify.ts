import { runWithEsm } from '../esm-worker';
import { dropFolds } from './drop-folds';
import { compact, nonManifoldEdgeEnds, vertexCount, type TriangleMesh } from './triangle-mesh';

export interface Simplified {
  mesh: TriangleMesh;
  /** Simplifier runs it took to keep the mesh closed (0: nothing to remove). */
  rounds: number;
}

const MAX_ROUNDS = 12;
/** The simplifier's error bound, as a share of the mesh's size: a guard, the asked share of triangles is the aim (1 % stopped short on lumpy meshes). */
const TARGET_ERROR = 0.02;

/**
 * Removes `ratio` of the triangles (mesh_simplify: 0.95 keeps 5 %) by meshoptimizer's quadric
 * edge collapses, keeping a closed mesh closed. Collapses can make a thin part's two sides meet:
 * a face twice, once each way (a fold, dropped), or two sheets pinched along an edge. Pinched
 * places are locked (their vertices and neighbours) and the original simplified again, until
 * none is left; should that not happen within MAX_ROUNDS, the mesh comes back unsimplified rather
 * than open. Vertex colours follow the vertices that remain.
 */
export async function simplifyMesh(mesh: TriangleMesh, ratio: number): Promise<Simplified> {
  const target = Math.max(3, Math.floor((mesh.indices.length / 3) * (1 - ratio)) * 3);
  if (ratio <= 0 || target >= mesh.indices.length) return { mesh, rounds: 0 };
  const lock = new Uint8Array(vertexCount(mesh));
  let neighbours: number[][] | undefined;
  for (let round = 1; round <= MAX_ROUNDS; round++) {
    const indices = dropFolds(await collapse(mesh, target, lock));
    const pinched = nonManifoldEdgeEnds(indices);
    if (pinched.length === 0) return { mesh: compact({ ...mesh, indices }), rounds: round };
    neighbours ??= vertexNeighbours(mesh);
    for (const v of pinched) for (const u of [v, ...neighbours[v]]) lock[u] = 1;
  }
  return { mesh, rounds: MAX_ROUNDS };
}

/** One meshoptimizer run (in a worker thread: the package ships ES modules only). */
async function collapse(mesh: TriangleMesh, target: number, lock: Uint8Array): Promise<Uint32Array> {
  const { indices } = await runWithEsm<{ indices: Uint32Array }>(
    ['meshoptimizer'],
    `async ([{ MeshoptSimplifier }], d) => {
      await MeshoptSimplifier.ready;
      const [indices] = MeshoptSimplifier.simplifyWithAttributes(d.indices, d.positions, 3, new Float32Array(0), 0, [], d.lock, d.target, d.error, []);
      return { indices };
    }`,
    { indices: mesh.indices, positions: mesh.positions, target, error: TARGET_ERROR, lock },
  );
  return indices;
}

function vertexNeighbours(mesh: TriangleMesh): number[][] {
  const out: number[][] = Array.from({ length: vertexCount(mesh) }, () => []);
  const ix = mesh.indices;
  for (let t = 0; t < ix.length; t += 3) for (let e = 0; e < 3; e++) out[ix[t + e]].push(ix[t + ((e + 1) % 3)]);
  return out;
}
