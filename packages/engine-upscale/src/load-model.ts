import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { io } from '@tensorflow/tfjs-core';
import { loadLayersModel, type LayersModel } from '@tensorflow/tfjs-layers';
import { ensureWasmBackend, shardPaths, toModelArtifacts, type ModelJson } from '@easel/tfjs-runtime';

/** A file-system IO handler: `model.json` and its shards read from `dir` (no fetch, no network). */
export function fileSystemHandler(dir: string): io.IOHandler {
  return {
    async load(): Promise<io.ModelArtifacts> {
      const json = JSON.parse(await readFile(join(dir, 'model.json'), 'utf8')) as ModelJson;
      return toModelArtifacts(json, await Promise.all(shardPaths(json).map((path) => readFile(join(dir, path)))));
    },
  };
}

export async function loadUpscaleModel(dir: string): Promise<LayersModel> {
  await ensureWasmBackend();
  return loadLayersModel(fileSystemHandler(dir));
}
