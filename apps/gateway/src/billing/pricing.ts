/** What one job costs, in credits. */
export interface PriceInput {
  modelId: string;
  width: number;
  height: number;
  steps: number;
  samples: number;
  /** `upscale` after generation: each output also pays for its upscaled pixels. */
  upscale?: number | null;
  /**
   * `highres_fix`: a second, img2img pass at width × height runs steps × strength more UNet steps
   * (the first pass is priced at the full size, an upper bound of its native-size cost).
   */
  highresFix?: { strength: number | null } | null;
}

/** The engine's default refining strength (engine-diffusion's DEFAULT_HIGHRES_STRENGTH; a test keeps them equal). */
export const HIGHRES_DEFAULT_STRENGTH = 0.35;

/**
 * Credits for one 512×512 image at 20 steps, per model (`default` for the rest). A job
 * costs that, scaled by its pixels and steps, times its samples — so the price follows
 * the compute it uses.
 */
export type PriceTable = Record<string, number>;

export const DEFAULT_PRICE_TABLE: PriceTable = { default: 1 };

export function priceOf(input: PriceInput, table: PriceTable = DEFAULT_PRICE_TABLE): number {
  const perImage = table[input.modelId] ?? table.default ?? 1;
  const passes = 1 + (input.highresFix ? (input.highresFix.strength ?? HIGHRES_DEFAULT_STRENGTH) : 0);
  const scale = ((input.width * input.height) / (512 * 512)) * (input.steps / 20) * passes;
  const upscaling = input.upscale ? upscaleCredits(input.width * input.upscale * input.height * input.upscale) : 0;
  const credits = (perImage * scale + upscaling) * input.samples;
  return Math.max(0.001, Math.round(credits * 1000) / 1000);
}

/** Super-resolution costs this per output megapixel (1024×1024), whatever model runs. */
export const UPSCALE_CREDITS_PER_MEGAPIXEL = 0.25;
const upscaleCredits = (outputPixels: number) => (outputPixels / (1024 * 1024)) * UPSCALE_CREDITS_PER_MEGAPIXEL;

/**
 * A super_resolution job: its input size is only known once the worker fetched it, so it is priced
 * as a 512×512 input (2× → 0.25 credits, 4× → 1).
 */
export function priceOfSuperResolution(scale: number): number {
  return Math.max(0.001, Math.round(upscaleCredits(512 * scale * 512 * scale) * 1000) / 1000);
}
