import { readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { AdapterFileError, UnsupportedFeatureError } from '../errors';
import { parseModel, serializeModel, type ModelProto } from '../onnx/model-proto';
import type { ClipTokenizer } from '../text/clip-tokenizer';
import { appendEmbeddingRows, findTokenEmbedding, readEmbeddingVectors } from './embedding';
import { indexGraphWeights, WeightLookup } from './graph-weights';
import { readLoraModules, type LoraComponent } from './lora-keys';
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

export type TextEncoderName = 'text_encoder' | 'text_encoder_2';

/** A text encoder graph file by its diffusers name, with the tokenizer that feeds it. */
export interface TextEncoderFile {
  name: TextEncoderName;
  path: string;
  tokenizer: ClipTokenizer;
}

/** A graph being adapted: the parsed model, its pending edits and (on demand) its weight index. */
class OpenGraph {
  private index?: WeightLookup;

  constructor(
    readonly model: ModelProto,
    readonly edits: WeightEdits,
  ) {}

  static async read(path: string, field: string): Promise<OpenGraph> {
    const model = parseModel(await readFile(path), path);
    if (!model.graph) throw new UnsupportedFeatureError('lora_model', `${path} has no graph.`);
    return new OpenGraph(model, new WeightEdits(field, dirname(path)));
  }

  get lookup(): WeightLookup {
    this.index ??= new WeightLookup(indexGraphWeights(this.model.graph!));
    return this.index;
  }

  serialize(): Uint8Array {
    this.edits.commit();
    return serializeModel(this.model);
  }
}

/**
 * The text encoder(s) and UNet graphs with the LoRAs merged into their initializers and the
 * embeddings appended to every encoder's token table (each tokenizer learns their tokens). Returns
 * the serialized graphs to create sessions from; a graph nothing touched is left out (use its file).
 */
export async function adaptGraphs(
  files: { textEncoders: TextEncoderFile[]; unet: string },
  spec: AdapterSpec,
): Promise<{ textEncoders: Map<TextEncoderName, Uint8Array>; unet?: Uint8Array; report: AdapterReport }> {
  const loras = spec.loras ?? [];
  const embeddings = spec.embeddings ?? [];
  const textField = embeddings.length > 0 && loras.length === 0 ? 'embeddings_model' : 'lora_model';
  const encoders = await Promise.all(
    files.textEncoders.map(async (f) => ({ ...f, graph: await OpenGraph.read(f.path, textField) })),
  );
  const unet = loras.length > 0 ? await OpenGraph.read(files.unet, 'lora_model') : undefined;
  const targets = new Map<LoraComponent, OpenGraph>(encoders.map((e) => [e.name, e.graph]));
  if (unet) targets.set('unet', unet);
  const report: AdapterReport = { loras: [], embeddings: [] };
  for (const lora of loras) report.loras.push(await mergeLoraFile(lora, targets));
  for (const e of embeddings) report.embeddings.push(await addEmbedding(e, encoders));
  return {
    textEncoders: new Map(encoders.map((e) => [e.name, e.graph.serialize()])),
    unet: unet?.serialize(),
    report,
  };
}

const COMPONENTS: LoraComponent[] = ['unet', 'text_encoder', 'text_encoder_2'];

async function mergeLoraFile(
  lora: LoraRef,
  targets: Map<LoraComponent, OpenGraph>,
): Promise<AdapterReport['loras'][number]> {
  const { modules, unrecognised } = readLoraModules(await SafetensorsFile.read(lora.path, 'lora_model'));
  const unmapped = unrecognised.map((k) => `${k} (not a LoRA key this engine knows)`);
  let applied = 0;
  for (const component of COMPONENTS) {
    const mine = modules.filter((m) => m.component === component);
    const target = targets.get(component);
    if (!target) {
      unmapped.push(...mine.map((m) => `${m.key} (this model has no ${component})`));
      continue;
    }
    const merged = mergeLora(mine, target.lookup, lora.strength, target.edits);
    applied += merged.applied;
    unmapped.push(...merged.unmapped);
  }
  return { name: lora.name, strength: lora.strength, applied, unmapped };
}

/** One token for every encoder: each table grows by its own vectors (SDXL: `clip_l`, `clip_g`). */
async function addEmbedding(
  e: EmbeddingRef,
  encoders: Array<TextEncoderFile & { graph: OpenGraph }>,
): Promise<AdapterReport['embeddings'][number]> {
  const file = await SafetensorsFile.read(e.path, 'embeddings_model');
  const token = e.token ?? e.name;
  let vectors: number | undefined;
  for (const encoder of encoders) {
    const table = findTokenEmbedding(encoder.graph.model.graph!);
    if (!table)
      throw new UnsupportedFeatureError(
        'embeddings_model',
        `The text encoder graph ${encoder.path} has no token embedding table to add embeddings to.`,
      );
    const read = readEmbeddingVectors(file, encoder.name);
    if (vectors !== undefined && read.count !== vectors) {
      throw new AdapterFileError(
        'adapter_file_corrupt',
        e.path,
        `${e.path} holds ${vectors} vectors for one text encoder and ${read.count} for the other; one token needs the same number in both.`,
        undefined,
        'embeddings_model',
      );
    }
    vectors = read.count;
    const first = appendEmbeddingRows(table, encoder.graph.edits, read.vectors, read.width, e.path);
    encoder.tokenizer.addTokenSequence(
      token,
      Array.from({ length: read.count }, (_, i) => first + i),
    );
  }
  return { name: e.name, token, vectors: vectors ?? 0 };
}
