import type { DiffusionModel } from '../model/load-model';
import type { Graph } from '../model/session';
import type { ClipTokenizer } from '../text/clip-tokenizer';
import { encodeChunks, planRows, type EncodedRows, type TextConditioning, type TextEncoderUse } from './text-conditioning';

/** The projection output of SDXL's second text encoder (CLIPTextModelWithProjection), as optimum names it. */
const POOLED_OUTPUT = 'text_embeds';

/** diffusers' SDXL conditioning reads hidden_states[-2]: the penultimate layer, without the final LayerNorm. */
function penultimate(graph: Graph): string {
  const names = graph.outputNames.filter((n) => /^hidden_states[._]\d+$/.test(n)).sort((a, b) => Number(a.split(/[._]/).pop()) - Number(b.split(/[._]/).pop()));
  if (names.length < 2) throw new Error(`${graph.name} exports no hidden_states.N outputs: SDXL conditions on its penultimate layer`);
  return names[names.length - 2];
}

/** Per token, the rows of `parts` ([tokens, w_i] each) side by side: [tokens, Σ w_i]. */
function concatWidths(parts: Float32Array[], widths: number[]): Float32Array {
  const total = widths.reduce((a, b) => a + b, 0);
  const tokens = parts[0].length / widths[0];
  const out = new Float32Array(tokens * total);
  for (let t = 0; t < tokens; t++) {
    let o = t * total;
    parts.forEach((p, i) => {
      out.set(p.subarray(t * widths[i], (t + 1) * widths[i]), o);
      o += widths[i];
    });
  }
  return out;
}

/**
 * SDXL's (and its refiner's) text conditioning, as diffusers' StableDiffusionXLPipeline.encode_prompt:
 * each CLIP encoder's penultimate hidden states, concatenated along the width (768 + 1280 = 2048 for
 * the base; the refiner has the second encoder only), and the second encoder's pooled projection.
 * With `force_zeros_for_empty_prompt` (the base) an empty negative prompt is zeros, pooled included.
 * A1111 chunks and emphasis apply per encoder.
 */
export async function encodeSdxlPrompts(model: DiffusionModel, prompt: string, negativePrompt: string, guidance: boolean, emphasis: boolean): Promise<TextConditioning> {
  const encoders: Array<[Graph, ClipTokenizer]> = [[model.textEncoder, model.tokenizer]];
  if (model.textEncoder2 && model.tokenizer2) encoders.push([model.textEncoder2, model.tokenizer2]);
  const outputs: EncodedRows[] = [];
  let tokenCount = 0;
  let nChunks = 1;
  for (const [graph, tokenizer] of encoders) {
    const plan = planRows(model, tokenizer, prompt, negativePrompt, guidance, emphasis);
    const use: TextEncoderUse = { graph, tokenizer, output: penultimate(graph), layerNorm: false, pooledOutput: graph.outputs.has(POOLED_OUTPUT) ? POOLED_OUTPUT : undefined };
    outputs.push(await encodeChunks(use, plan.rows, plan.nChunks, emphasis));
    tokenCount = plan.tokenCount;
    nChunks = plan.nChunks;
  }
  const widths = outputs.map((o) => o.width);
  const row = (i: number) => (outputs.length === 1 ? outputs[0].states[i] : concatWidths(outputs.map((o) => o.states[i]), widths));
  const last = outputs[outputs.length - 1];
  const condRow = guidance ? 1 : 0;
  const zeroUncond = guidance && model.info.forceZerosForEmptyPrompt && negativePrompt.trim() === '';
  const cond = row(condRow);
  const pooled = last.pooled[condRow];
  return {
    cond,
    uncond: guidance ? (zeroUncond ? new Float32Array(cond.length) : row(0)) : undefined,
    pooled,
    unpooled: guidance ? (zeroUncond ? new Float32Array(pooled.length) : last.pooled[0]) : undefined,
    seqLen: nChunks * model.info.sequenceLength,
    tokenCount,
  };
}
