import * as ort from 'onnxruntime-node';
import type { DiffusionModel } from '../model/load-model';
import type { Graph } from '../model/session';
import type { ClipTokenizer } from '../text/clip-tokenizer';
import { applyPromptWeights, matchChunkCounts, planPromptChunks, type PromptChunk } from '../text/prompt-chunks';

export interface TextConditioning {
  /** [seqLen, width] for the prompt. */
  cond: Float32Array;
  /** [seqLen, width] for the negative prompt (present when guidance is on). */
  uncond?: Float32Array;
  seqLen: number;
  tokenCount: number;
  /** SDXL: the pooled text embedding [width] of the prompt and of the negative prompt (when guidance is on). */
  pooled?: Float32Array;
  unpooled?: Float32Array;
  /** The token ids behind `cond` and `uncond`, [seqLen] each (the chunks concatenated), for graphs that read them beside the states. */
  tokenIds?: { cond: Int32Array; uncond?: Int32Array };
}

/** Each row's chunk ids concatenated: the tokens behind that row's states. */
function rowTokenIds(rows: PromptChunk[][], nChunks: number): Int32Array[] {
  return rows.map((chunks) => {
    const L = chunks[0].ids.length;
    const ids = new Int32Array(nChunks * L);
    for (let k = 0; k < nChunks; k++) ids.set(chunks[k].ids, k * L);
    return ids;
  });
}

/** Per-token LayerNorm without affine parameters (for clip_skip 2 on hidden states). */
function layerNorm(x: Float32Array, rows: number, width: number): void {
  for (let r = 0; r < rows; r++) {
    const o = r * width;
    let mean = 0;
    for (let c = 0; c < width; c++) mean += x[o + c];
    mean /= width;
    let v = 0;
    for (let c = 0; c < width; c++) v += (x[o + c] - mean) ** 2;
    const inv = 1 / Math.sqrt(v / width + 1e-5);
    for (let c = 0; c < width; c++) x[o + c] = (x[o + c] - mean) * inv;
  }
}

/** One text encoder as the conditioning reads it: which output, whether it is layer-normed here, and the pooled output to keep. */
export interface TextEncoderUse {
  graph: Graph;
  tokenizer: ClipTokenizer;
  output: string;
  /** clip_skip on SD 1.x/2.x: the hidden state gets the final LayerNorm (without its affine weights). */
  layerNorm: boolean;
  /** SDXL: the pooled output (`text_embeds`) of each row's first chunk. */
  pooledOutput?: string;
}

export interface EncodedRows {
  /** Per row (negative first when guidance is on), [nChunks·seqLen, width] states, weighted. */
  states: Float32Array[];
  /** Per row, the first chunk's pooled output (with `pooledOutput`). */
  pooled: Float32Array[];
  width: number;
}

/** Runs one text encoder over the planned chunks of each row (uncond and cond chunk in one call). */
export async function encodeChunks(use: TextEncoderUse, rows: PromptChunk[][], nChunks: number, emphasis: boolean): Promise<EncodedRows> {
  const { graph, output, pooledOutput } = use;
  const L = rows[0][0].ids.length;
  const int64 = graph.input('input_ids').type === 'int64';
  const states: Float32Array[] = [];
  const pooled: Float32Array[] = [];
  let W = 0;
  for (let k = 0; k < nChunks; k++) {
    const b = rows.length;
    const ids = int64 ? new BigInt64Array(b * L) : new Int32Array(b * L);
    rows.forEach((r, i) => {
      for (let j = 0; j < L; j++) ids[i * L + j] = (int64 ? BigInt(r[k].ids[j]) : r[k].ids[j]) as never;
    });
    const out = await graph.run({ input_ids: new ort.Tensor(int64 ? 'int64' : 'int32', ids, [b, L]) }, pooledOutput ? [output, pooledOutput] : [output]);
    const hidden = out[output].data as Float32Array;
    W = hidden.length / (b * L);
    rows.forEach((r, i) => {
      const h = hidden.slice(i * L * W, (i + 1) * L * W);
      if (use.layerNorm) layerNorm(h, L, W);
      states[i] ??= new Float32Array(nChunks * L * W);
      states[i].set(emphasis ? applyPromptWeights(h, r[k].weights, L, W) : h, k * L * W);
      if (pooledOutput && k === 0) {
        const p = out[pooledOutput].data as Float32Array;
        const pw = p.length / b;
        pooled[i] = p.slice(i * pw, (i + 1) * pw);
      }
    });
  }
  return { states, pooled, width: W };
}

/** The prompt (and negative prompt) as A1111 chunks, cond and uncond padded to the same count; one chunk for a UNet with a fixed context length. */
export function planRows(model: DiffusionModel, tokenizer: ClipTokenizer, prompt: string, negativePrompt: string, guidance: boolean, emphasis: boolean) {
  const chunkLength = model.info.sequenceLength - 2;
  const opts = { chunkLength, emphasis };
  let pos = planPromptChunks(tokenizer, prompt, opts);
  let neg = guidance ? planPromptChunks(tokenizer, negativePrompt, opts) : undefined;
  if (neg) ({ positive: pos, negative: neg } = matchChunkCounts(pos, neg, tokenizer, chunkLength));
  const fixedSeq = typeof model.unet.input('encoder_hidden_states').shape[1] === 'number';
  const rows = neg ? [neg.chunks, pos.chunks] : [pos.chunks];
  return { rows, nChunks: fixedSeq ? 1 : pos.chunks.length, tokenCount: pos.tokenCount };
}

/**
 * A1111-style conditioning: the prompt (and negative prompt) are split into 75-token chunks
 * with per-token emphasis weights, each chunk is encoded (uncond and cond chunk in one
 * text-encoder call), weighted, and the chunks are concatenated along the sequence.
 */
export async function encodePrompts(
  model: DiffusionModel,
  prompt: string,
  negativePrompt: string,
  guidance: boolean,
  clipSkip: number,
  emphasis: boolean,
): Promise<TextConditioning> {
  const { tokenizer, textEncoder, info } = model;
  const { rows, nChunks, tokenCount } = planRows(model, tokenizer, prompt, negativePrompt, guidance, emphasis);
  const output = clipSkip >= 2 ? info.hiddenStateOutputs[info.hiddenStateOutputs.length - clipSkip] : textEncoder.outputs.has('last_hidden_state') ? 'last_hidden_state' : textEncoder.outputNames[0];
  const { states } = await encodeChunks({ graph: textEncoder, tokenizer, output, layerNorm: clipSkip >= 2 }, rows, nChunks, emphasis);
  const ids = rowTokenIds(rows, nChunks);
  return {
    cond: states[states.length - 1],
    uncond: guidance ? states[0] : undefined,
    seqLen: nChunks * info.sequenceLength,
    tokenCount,
    tokenIds: { cond: ids[ids.length - 1], uncond: guidance ? ids[0] : undefined },
  };
}
