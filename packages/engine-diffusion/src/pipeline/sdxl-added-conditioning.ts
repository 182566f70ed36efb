import * as ort from 'onnxruntime-node';
import type { TextConditioning } from './text-conditioning';

/**
 * SDXL's added UNet inputs for the batched (uncond × n; cond × n) call: `text_embeds` (the pooled
 * projection) and `time_ids`, in the rows' order.
 */
export function sdxlAddedConditioning(text: TextConditioning, [negativeIds, positiveIds]: [number[], number[]], samples: number, guidance: boolean): Record<string, ort.Tensor> {
  if (!text.pooled) throw new Error('SDXL conditioning needs the pooled text embedding');
  const rows: Array<[Float32Array, number[]]> = [];
  if (guidance) for (let i = 0; i < samples; i++) rows.push([text.unpooled!, negativeIds]);
  for (let i = 0; i < samples; i++) rows.push([text.pooled, positiveIds]);
  const P = text.pooled.length;
  const K = positiveIds.length;
  const embeds = new Float32Array(rows.length * P);
  const ids = new Float32Array(rows.length * K);
  rows.forEach(([pooled, timeIds], r) => {
    embeds.set(pooled, r * P);
    ids.set(timeIds, r * K);
  });
  return {
    text_embeds: new ort.Tensor('float32', embeds, [rows.length, P]),
    time_ids: new ort.Tensor('float32', ids, [rows.length, K]),
  };
}
