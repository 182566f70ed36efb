import { Worker } from 'node:worker_threads';
import { pathToFileURL } from 'node:url';
import { compact, type TriangleMesh } from './triangle-mesh';

/**
 * meshoptimizer's simplifier runs in a worker thread: the package ships ES modules only, which a
 * worker imports natively whatever loads this file (Node's CommonJS build, or Jest's runtime).
 */
const WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
import(workerData.url).then(async ({ MeshoptSimplifier }) => {
  await MeshoptSimplifier.ready;
  const { indices, positions, target, error } = workerData;
  const [out, reached] = MeshoptSimplifier.simplify(indices, positions, 3, target, error, []);
  parentPort.postMessage({ indices: out, error: reached });
}).catch((err) => parentPort.postMessage({ failure: String(err && err.stack || err) }));
`;

export interface Simplified {
  mesh: TriangleMesh;
  /** meshoptimizer's reached error, relative to the mesh's extent. */
  error: number;
}

/**
 * Removes `ratio` of the triangles (mesh_simplify: 0.95 keeps 5 %) by meshoptimizer's
 * quadric edge collapses, which keep the topology (a closed mesh stays closed), within an
 * error of 1 % of the mesh's size; vertex colours follow the vertices that remain.
 */
export async function simplifyMesh(mesh: TriangleMesh, ratio: number): Promise<Simplified> {
  const target = Math.max(3, Math.floor((mesh.indices.length / 3) * (1 - ratio)) * 3);
  if (ratio <= 0 || target >= mesh.indices.length) return { mesh, error: 0 };
  const url = pathToFileURL(require.resolve('meshoptimizer')).href;
  const result = await new Promise<{ indices?: Uint32Array; error?: number; failure?: string }>((resolve, reject) => {
    const worker = new Worker(WORKER, { eval: true, workerData: { url, indices: mesh.indices, positions: mesh.positions, target, error: 0.01 } });
    worker.once('message', (m) => {
      resolve(m);
      void worker.terminate();
    });
    worker.once('error', reject);
  });
  if (result.failure || !result.indices) throw new Error(`mesh simplification failed: ${result.failure}`);
  return { mesh: compact({ ...mesh, indices: result.indices }), error: result.error ?? 0 };
}
