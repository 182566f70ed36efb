import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { io } from '@tensorflow/tfjs-core';
import { loadGraphModel, type GraphModel } from '@tensorflow/tfjs-converter';
import { ensureWasmBackend, shardPaths, toModelArtifacts, type ModelJson } from '@easel/tfjs-runtime';

/** nsfwjs's output classes, in the order of the model's softmax. */
export const NSFW_CLASSES = ['drawing', 'hentai', 'neutral', 'porn', 'sexy'] as const;
export type NsfwClass = (typeof NSFW_CLASSES)[number];
/** The model's input side (224×224 RGB in [0, 1]). */
export const NSFW_INPUT_SIDE = 224;

/** The model nsfwjs 4 ships as `MobileNetV2Mid`: a TensorFlow.js graph model (93% accuracy per its README). */
const MODEL_FOLDER = join('dist', 'models', 'mobilenet_v2_mid');

/** The installed nsfwjs package's folder (its `exports` hide everything but its entry points). */
export function nsfwjsDirectory(): string {
  let dir = dirname(require.resolve('nsfwjs'));
  const isRoot = (d: string) => existsSync(join(d, 'package.json')) && (JSON.parse(readFileSync(join(d, 'package.json'), 'utf8')) as { name?: string }).name === 'nsfwjs';
  while (!isRoot(dir)) {
    const up = dirname(dir);
    if (up === dir) throw new Error('nsfwjs is not installed');
    dir = up;
  }
  return dir;
}

/**
 * nsfwjs 4 ships its models as CommonJS modules (`model.min.js` exports model.json's object, each
 * `group1-shardNofM.min.js` a shard as base64) so that bundlers can include them. This handler reads
 * those files from node_modules — no fetch, no network.
 */
export function bundledModelHandler(folder = join(nsfwjsDirectory(), MODEL_FOLDER)): io.IOHandler {
  return {
    async load(): Promise<io.ModelArtifacts> {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const json = require(join(folder, 'model.min.js')) as ModelJson;
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const shards = shardPaths(json).map((path) => Buffer.from(require(join(folder, `${path}.min.js`)) as string, 'base64'));
      return toModelArtifacts(json, shards);
    },
  };
}

export async function loadNsfwModel(): Promise<GraphModel> {
  await ensureWasmBackend();
  return loadGraphModel(bundledModelHandler());
}
