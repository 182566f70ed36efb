/** What one job costs, in credits. */
export interface PriceInput {
  modelId: string;
  width: number;
  height: number;
  steps: number;
  samples: number;
}

/**
 * Credits for one 512×512 image at 20 steps, per model (`default` for the rest). A job
 * costs that, scaled by its pixels and steps, times its samples — so the price follows
 * the compute it uses.
 */
export type PriceTable = Record<string, number>;

export const DEFAULT_PRICE_TABLE: PriceTable = { default: 1 };

export function priceOf(input: PriceInput, table: PriceTable = DEFAULT_PRICE_TABLE): number {
  const perImage = table[input.modelId] ?? table.default ?? 1;
  const scale = ((input.width * input.height) / (512 * 512)) * (input.steps / 20);
  const credits = perImage * scale * input.samples;
  return Math.max(0.001, Math.round(credits * 1000) / 1000);
}
