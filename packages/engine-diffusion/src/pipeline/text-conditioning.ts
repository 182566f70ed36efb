import * as ort from 'onnxruntime-node';
import type { DiffusionModel } from '../model/load-model';
import { applyPromptWeights, matchChunkCounts, planPromptChunks, type PromptChunk } from '../text/prompt-chunks';

export interface TextConditioning {
  /** [seqLen, width] for the prompt. */
  cond: Float32Array;
  /** [seqLen, width] for the negative prompt (present when guidance is on). */
  uncond?: Float32Array;
  seqLen: number;
  tokenCount: number;
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
  const chunkLength = info.sequenceLength - 2;
  const opts = { chunkLength, emphasis };
  let pos = planPromptChunks(tokenizer, prompt, opts);
  let neg = guidance ? planPromptChunks(tokenizer, negativePrompt, opts) : undefined;
  if (neg) ({ positive: pos, negative: neg } = matchChunkCounts(pos, neg, tokenizer, chunkLength));
  // A UNet whose encoder_hidden_states length is fixed takes one chunk only.
  const fixedSeq = typeof model.unet.input('encoder_hidden_states').shape[1] === 'number';
  const nChunks = fixedSeq ? 1 : pos.chunks.length;
  const L = info.sequenceLength;
  const W = info.textWidth;
  const output = clipSkip >= 2 ? info.hiddenStateOutputs[info.hiddenStateOutputs.length - clipSkip] : textEncoder.outputs.has('last_hidden_state') ? 'last_hidden_state' : textEncoder.outputNames[0];
  const int64 = textEncoder.input('input_ids').type === 'int64';
  const cond = new Float32Array(nChunks * L * W);
  const uncond = neg ? new Float32Array(nChunks * L * W) : undefined;
  for (let k = 0; k < nChunks; k++) {
    const rows: PromptChunk[] = neg ? [neg.chunks[k], pos.chunks[k]] : [pos.chunks[k]];
    const b = rows.length;
    const ids = int64 ? new BigInt64Array(b * L) : new Int32Array(b * L);
    rows.forEach((r, i) => {
      for (let j = 0; j < L; j++) ids[i * L + j] = (int64 ? BigInt(r.ids[j]) : r.ids[j]) as never;
    });
    const out = await textEncoder.run({ input_ids: new ort.Tensor(int64 ? 'int64' : 'int32', ids, [b, L]) }, [output]);
    const hidden = out[output].data as Float32Array;
    rows.forEach((r, i) => {
      const h = hidden.slice(i * L * W, (i + 1) * L * W);
      if (clipSkip >= 2) layerNorm(h, L, W);
      const weighted = emphasis ? applyPromptWeights(h, r.weights, L, W) : h;
      const dst = neg && i === 0 ? uncond! : cond;
      dst.set(weighted, k * L * W);
    });
  }
  return { cond, uncond, seqLen: nChunks * L, tokenCount: pos.tokenCount };
}
