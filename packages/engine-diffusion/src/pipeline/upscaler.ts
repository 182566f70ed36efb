import sharp from 'sharp';

/**
 * Enlarges a decoded image for the highres fix. The default is sharp's Lanczos-3; an ESRGAN-family
 * upscaler (packages/engine-upscale) can be plugged in through `DiffusionEngineOptions.upscaler`.
 */
export interface ImageUpscaler {
  /** Reported in the result (e.g. "lanczos3"). */
  readonly name: string;
  /** Any image sharp reads → an image (PNG) of exactly width × height. */
  upscale(image: Buffer, width: number, height: number): Promise<Buffer>;
}

export const lanczosUpscaler: ImageUpscaler = {
  name: 'lanczos3',
  upscale: (image, width, height) => sharp(image).resize(width, height, { kernel: 'lanczos3', fit: 'fill' }).png().toBuffer(),
};
