/**
 * Each ControlNet runs beside the UNet at every step (on easel-tiny about half a UNet step: see
 * bench/pipeline), so it adds half of the generation's price.
 */
export const CONTROLNET_PRICE_SHARE = 0.5;

export function controlNetPrice(generationPrice: number, controlnets: number): number {
  return Math.round(generationPrice * (1 + CONTROLNET_PRICE_SHARE * controlnets) * 10_000) / 10_000;
}
