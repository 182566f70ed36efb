export { Upscaler, DEFAULT_OVERLAP, DEFAULT_TILE_SIZE } from './upscaler';
export type { RgbImage, UpscalerOptions, UpscaleRequest, ImageFormat } from './upscaler';
export { TiledUpscaler } from './tiled-upscaler';
export { UPSCALE_MODELS, DEFAULT_UPSCALE_MODEL, modelDirectory, packageDirectory } from './models';
export type { UpscaleModelInfo, UpscaleModelName, UpscaleScale } from './models';
export { tileStarts, blendWeights } from './tiles';
export { psnr, psnrY, luma } from './quality';
export { fileSystemHandler } from './load-model';
