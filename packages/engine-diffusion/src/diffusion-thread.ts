// The engine thread of `DiffusionEngine`: one LocalDiffusionEngine (its model cache) per thread.
// Every answer carries the cache's keys, so the calling side can list loaded models synchronously.
import { workerData } from 'node:worker_threads';
import { asBuffer, logToCaller, serveEngine } from '@easel/engine-thread';
import { LocalDiffusionEngine, type DiffusionEngineOptions } from './local-engine';
import type { GenerateRequest } from './pipeline/types';

export type ThreadOptions = Omit<DiffusionEngineOptions, 'upscaler' | 'warn'>;

export interface GenerateCall {
  dir: string;
  request: GenerateRequest;
}

const engine = new LocalDiffusionEngine({
  ...(workerData as { init: ThreadOptions }).init,
  warn: logToCaller,
});

/** Image inputs arrive as Uint8Arrays (structured cloning drops the Buffer class). */
const withBuffers = (request: GenerateRequest): GenerateRequest => ({
  ...request,
  ...(request.initImage ? { initImage: asBuffer(request.initImage) } : {}),
  ...(request.maskImage ? { maskImage: asBuffer(request.maskImage) } : {}),
  ...(request.controlNets ? { controlNets: request.controlNets.map((c) => ({ ...c, image: asBuffer(c.image) })) } : {}),
});

serveEngine({
  loadModel: async (dir: string) => {
    const { dir: key, info } = await engine.loadModel(dir);
    return { dir: key, info, keys: engine.cacheKeys() };
  },
  generate: async ({ dir, request }: GenerateCall, context) => {
    const result = await engine.generate(dir, withBuffers(request), {
      signal: context.signal,
      onProgress: context.progress,
    });
    return { result, keys: engine.cacheKeys() };
  },
  unloadModel: async (path: string) => ({
    unloaded: await engine.unloadModel(path),
    keys: engine.cacheKeys(),
  }),
});
