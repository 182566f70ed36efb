import { Worker } from 'node:worker_threads';
import { pathToFileURL } from 'node:url';

/**
 * Runs `body` (the source of an async function of (modules, data)) in a worker thread that has
 * imported `packages` natively. For libraries that ship ES modules only (meshoptimizer, and
 * property-graph under glTF-Transform): Node loads them anywhere, but a CommonJS host such as
 * Jest's module runtime cannot, and a worker thread is outside it. Typed arrays are copied.
 */
export async function runWithEsm<T>(packages: readonly string[], body: string, data: unknown): Promise<T> {
  const urls = packages.map((p) => pathToFileURL(require.resolve(p)).href);
  const source = `
const { parentPort, workerData } = require('node:worker_threads');
const run = ${body};
Promise.all(workerData.urls.map((u) => import(u)))
  .then((modules) => run(modules, workerData.data))
  .then((value) => parentPort.postMessage({ value }))
  .catch((err) => parentPort.postMessage({ failure: String((err && err.stack) || err) }));
`;
  return new Promise<T>((resolve, reject) => {
    const worker = new Worker(source, { eval: true, workerData: { urls, data } });
    worker.once('message', (m: { value?: T; failure?: string }) => {
      void worker.terminate();
      if (m.failure !== undefined) reject(new Error(m.failure));
      else resolve(m.value as T);
    });
    worker.once('error', reject);
  });
}
