import type { io } from '@tensorflow/tfjs-core';

/** A tfjs model.json: the topology and the manifest of its weight shards. */
export interface ModelJson {
  modelTopology: object;
  format?: string;
  generatedBy?: string;
  convertedBy?: string;
  weightsManifest: { paths: string[]; weights: io.WeightsManifestEntry[] }[];
}

/** A model.json and its shards' bytes (in the manifest's order) as the artifacts tfjs loads. */
export function toModelArtifacts(json: ModelJson, shards: Buffer[]): io.ModelArtifacts {
  const weights = Buffer.concat(shards);
  return {
    modelTopology: json.modelTopology,
    format: json.format,
    generatedBy: json.generatedBy,
    convertedBy: json.convertedBy,
    weightSpecs: json.weightsManifest.flatMap((group) => group.weights),
    weightData: weights.buffer.slice(weights.byteOffset, weights.byteOffset + weights.byteLength),
  };
}

/** The shard paths of a model.json, in the order their bytes concatenate. */
export const shardPaths = (json: ModelJson): string[] => json.weightsManifest.flatMap((group) => group.paths);
