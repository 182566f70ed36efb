import { AdapterFileError } from '../errors';
import type { GraphProto, TensorProto } from '../onnx/model-proto';
import { tensorShape } from '../onnx/model-proto';
import type { WeightEdits } from './merge-lora';
import type { SafetensorsFile } from './safetensors';

const FIELD = 'embeddings_model';

/**
 * A textual-inversion embedding's vectors [n, width] for one text encoder. Layouts: A1111's
 * `emb_params` [n, dim] (or [dim]), a flattened `string_to_param.<x>`, SDXL's `clip_l` (the first
 * text encoder) and `clip_g` (the second, `text_encoder_2`), and diffusers' single `<token>` key.
 */
export function readEmbeddingVectors(file: SafetensorsFile, encoder: 'text_encoder' | 'text_encoder_2' = 'text_encoder'): { vectors: Float32Array; count: number; width: number } {
  const names = [...file.entries.keys()];
  const name = encoder === 'text_encoder_2' ? secondEncoderTensor(file) : firstEncoderTensor(file, names);
  if (!name) {
    throw new AdapterFileError('adapter_file_corrupt', file.source, `${file.source} is not a textual-inversion embedding: expected "emb_params", "string_to_param.*" or a single tensor, found ${names.slice(0, 6).join(', ') || 'none'}.`, undefined, FIELD);
  }
  const { shape, data } = file.float32(name);
  if (shape.length !== 1 && shape.length !== 2) throw new AdapterFileError('adapter_file_corrupt', file.source, `${file.source}: "${name}" has shape [${shape.join(', ')}]; an embedding is [vectors, width].`, undefined, FIELD);
  const width = shape[shape.length - 1];
  return { vectors: data, count: shape.length === 2 ? shape[0] : 1, width };
}

function firstEncoderTensor(file: SafetensorsFile, names: string[]): string | undefined {
  return (
    (file.has('emb_params') && 'emb_params') ||
    names.find((n) => n.startsWith('string_to_param.')) ||
    (file.has('clip_l') && 'clip_l') ||
    (names.length === 1 ? names[0] : undefined)
  );
}

/** An embedding made for one CLIP encoder cannot condition SDXL's second: only `clip_g` fits it. */
function secondEncoderTensor(file: SafetensorsFile): string {
  if (file.has('clip_g')) return 'clip_g';
  throw new AdapterFileError('adapter_mismatch', file.source, `${file.source} has no "clip_g" vectors for SDXL's second text encoder (text_encoder_2): it was made for a one-encoder model.`, undefined, FIELD);
}

/** The text encoder's token embedding: named `…token_embedding.weight`, else the first Gather on a [vocab, width] initializer. */
export function findTokenEmbedding(graph: GraphProto): TensorProto | undefined {
  const named = graph.initializer.find((t) => /(^|\.)token_embedding\.weight$/.test(t.name));
  if (named) return named;
  const inits = new Map(graph.initializer.map((t) => [t.name, t]));
  for (const node of graph.node) {
    const t = node.opType === 'Gather' ? inits.get(node.input[0]) : undefined;
    if (t && t.dims.length === 2) return t;
  }
  return undefined;
}

/** Append rows to the token embedding; returns the id of the first new row. */
export function appendEmbeddingRows(table: TensorProto, edits: WeightEdits, vectors: Float32Array, vectorWidth: number, source: string): number {
  const width = tensorShape(table)[1];
  if (vectorWidth !== width) {
    throw new AdapterFileError('adapter_mismatch', source, `${source} holds vectors of width ${vectorWidth} but the text encoder's token embedding is ${width} wide: it was made for another model.`, undefined, FIELD);
  }
  // The table may have grown already (an earlier embedding of this request): count its rows from the values.
  const current = edits.floats(table);
  const rows = current.length / width;
  const grown = new Float32Array(current.length + vectors.length);
  grown.set(current);
  grown.set(vectors, current.length);
  edits.replace(table, grown, [rows + vectors.length / width, width]);
  return rows;
}

