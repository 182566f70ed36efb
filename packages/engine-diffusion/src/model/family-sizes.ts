import type { ModelFamily } from './model-family';

/** SDXL's aspect buckets (about 1024² pixels, up to 1536 × 640): the sizes SDXL and Flux models were trained at. */
export const LARGE_FAMILY_LIMITS = { maxSide: 1536, maxPixels: 1024 * 1024 } as const;

/** The families that get LARGE_FAMILY_LIMITS; SD 1.x and 2.x keep the engine's own limits. */
export function hasLargeSizes(family: ModelFamily): boolean {
  return family === 'sdxl' || family === 'sdxl-refiner' || family === 'flux';
}
