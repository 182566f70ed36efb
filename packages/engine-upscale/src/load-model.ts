import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { io } from '@tensorflow/tfjs-core';
import { loadLayersModel, type LayersModel } from '@tensorflow/tfjs-layers';
import { ensureWasmBackend } from './tf-backend';

interface ModelJson {
  modelTopology: object;
  format?: string;
  generatedBy?: string;
  convertedBy?: string;
  weightsManifest: { paths: string[]; weights: io.WeightsManifestEntry[] }[];
}

/** A file-system IO handler: `model.json` and its shards read from `dir` (no fetch, no network). */
export function fileSystemHandler(dir: string): io.IOHandler {
  return {
    async load(): Promise<io.ModelArtifacts> {
      const json = JSON.parse(await readFile(join(dir, 'model.json'), 'utf8')) as ModelJson;
      const shards = await Promise.all(json.weightsManifest.flatMap((group) => group.paths.map((path) => readFile(join(dir, path)))));
      const weights = Buffer.concat(shards);
      return {
        modelTopology: json.modelTopology,
        format: json.format,
        generatedBy: json.generatedBy,
        convertedBy: json.convertedBy,
        weightSpecs: json.weightsManifest.flatMap((group) => group.weights),
        weightData: weights.buffer.slice(weights.byteOffset, weights.byteOffset + weights.byteLength),
      };
    },
  };
}

export async function loadUpscaleModel(dir: string): Promise<LayersModel> {
  await ensureWasmBackend();
  return loadLayersModel(fileSystemHandler(dir));
}
