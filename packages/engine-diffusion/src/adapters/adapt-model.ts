import { readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { UnsupportedFeatureError } from '../errors';
import { parseModel, serializeModel, type ModelProto } from '../onnx/model-proto';
import type { ClipTokenizer } from '../text/clip-tokenizer';
import { appendEmbeddingRows, findTokenEmbedding, readEmbeddingVectors } from './embedding';
import { indexGraphWeights, WeightLookup } from './graph-weights';
import { readLoraModules } from './lora-keys';
import { mergeLora, WeightEdits } from './merge-lora';
import { SafetensorsFile } from './safetensors';

/** A LoRA to merge: its `.safetensors` file and strength (the API's `lora_strength`). */
export interface LoraRef {
  name: string;
  path: string;
  strength: number;
}

/** A textual-inversion embedding; prompts use it by `token` (default: its name). */
export interface EmbeddingRef {
  name: string;
  path: string;
  token?: string;
}

export interface AdapterSpec {
  loras?: LoraRef[];
  embeddings?: EmbeddingRef[];
}

/** What was merged: per LoRA the modules applied and every key that was not (with why). */
export interface AdapterReport {
  loras: Array<{ name: string; strength: number; applied: number; unmapped: string[] }>;
  embeddings: Array<{ name: string; token: string; vectors: number }>;
}

export function hasAdapters(spec: AdapterSpec | undefined): spec is AdapterSpec {
  return !!spec && ((spec.loras?.length ?? 0) > 0 || (spec.embeddings?.length ?? 0) > 0);
}

/**
 * The text encoder and UNet graphs with the LoRAs merged into their initializers and the
 * embeddings appended to the token table (the tokenizer learns their tokens). Returns the
 * serialized graphs to create sessions from; a graph nothing touched is left out (use its file).
 */
export async function adaptGraphs(
  paths: { textEncoder: string; unet: string },
  spec: AdapterSpec,
  tokenizer: ClipTokenizer,
): Promise<{ textEncoder?: Uint8Array; unet?: Uint8Array; report: AdapterReport }> {
  const loras = spec.loras ?? [];
  const embeddings = spec.embeddings ?? [];
  const report: AdapterReport = { loras: [], embeddings: [] };
  const te = await readGraph(paths.textEncoder);
  const unet = loras.length > 0 ? await readGraph(paths.unet) : undefined;
  const teEdits = new WeightEdits(embeddings.length > 0 && loras.length === 0 ? 'embeddings_model' : 'lora_model', dirname(paths.textEncoder));
  const unetEdits = new WeightEdits('lora_model', dirname(paths.unet));
  if (loras.length > 0) {
    const teLookup = new WeightLookup(indexGraphWeights(te.graph!));
    const unetLookup = new WeightLookup(indexGraphWeights(unet!.graph!));
    for (const lora of loras) {
      const file = await SafetensorsFile.read(lora.path, 'lora_model');
      const { modules, unrecognised } = readLoraModules(file);
      const a = mergeLora(modules.filter((m) => m.component === 'unet'), unetLookup, lora.strength, unetEdits);
      const b = mergeLora(modules.filter((m) => m.component === 'text_encoder'), teLookup, lora.strength, teEdits);
      report.loras.push({ name: lora.name, strength: lora.strength, applied: a.applied + b.applied, unmapped: [...unrecognised.map((k) => `${k} (not a LoRA key this engine knows)`), ...a.unmapped, ...b.unmapped] });
    }
  }
  if (embeddings.length > 0) {
    const table = findTokenEmbedding(te.graph!);
    if (!table) throw new UnsupportedFeatureError('embeddings_model', `The text encoder graph ${paths.textEncoder} has no token embedding table to add embeddings to.`);
    for (const e of embeddings) {
      const file = await SafetensorsFile.read(e.path, 'embeddings_model');
      const { vectors, count, width } = readEmbeddingVectors(file);
      const first = appendEmbeddingRows(table, teEdits, vectors, width, e.path);
      const token = e.token ?? e.name;
      tokenizer.addTokenSequence(token, Array.from({ length: count }, (_, i) => first + i));
      report.embeddings.push({ name: e.name, token, vectors: count });
    }
  }
  teEdits.commit();
  unetEdits.commit();
  return { textEncoder: serializeModel(te), unet: unet ? serializeModel(unet) : undefined, report };
}

async function readGraph(path: string): Promise<ModelProto> {
  const model = parseModel(await readFile(path), path);
  if (!model.graph) throw new UnsupportedFeatureError('lora_model', `${path} has no graph.`);
  return model;
}
