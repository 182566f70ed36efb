import type { ImageEditingParams, ImageEditingResult } from '@easel/contracts';
import type { Matting } from '@easel/engine-matting';
import sharp from 'sharp';
import { loadInputImage } from '../inputs/input-image';
import { PermanentJobError } from '../service-handler';

/** The largest picture an edit takes (GrabCut runs on a downscaled copy; the output is full size). */
export const IMAGE_EDITING_MAX_INPUT_PIXELS = 1024 * 1024;

export interface ImageEditingOptions {
  matting: Matting;
  fetchAllowHosts: readonly string[];
}

export interface Edited {
  result: ImageEditingResult;
  image: Buffer;
  mimeType: string;
}

/** One edit: the one path of bus jobs (ImageEditingHandler) and direct gRPC calls (imageEditingGrpcEntry). */
export class ImageEditing {
  constructor(private readonly options: ImageEditingOptions) {}

  async run(p: ImageEditingParams): Promise<Edited> {
    const started = performance.now();
    const input = await loadInputImage('image', p.image, this.options.fetchAllowHosts);
    const { width = 0, height = 0 } = await sharp(input).metadata();
    if (width * height > IMAGE_EDITING_MAX_INPUT_PIXELS)
      throw new PermanentJobError(
        `The image must have at most ${IMAGE_EDITING_MAX_INPUT_PIXELS} pixels (1024×1024); it has ${width}×${height}.`,
        'image',
      );
    const fetchedAt = performance.now();
    const out = await this.options.matting.removeBackground(input, {
      onlyMask: p.onlyMask,
      inverseMask: p.inverseMask,
      alphaMatting: p.alphaMatting
        ? {
            foregroundThreshold: p.alphaMattingForegroundThreshold,
            backgroundThreshold: p.alphaMattingBackgroundThreshold,
            erodeSize: p.alphaMattingErodeSize,
          }
        : null,
      postProcessMask: p.postProcessMask,
      seed: p.seed,
    });
    const ended = performance.now();
    const result: ImageEditingResult = {
      kind: p.kind,
      width: out.width,
      height: out.height,
      seed: p.seed,
      foregroundFraction: Math.round(out.foregroundFraction * 10000) / 10000,
      generationTime: (ended - started) / 1000,
      timings: {
        total: Math.round(ended - started) / 1000,
        image_io: Math.round(fetchedAt - started) / 1000,
        removebg: Math.round(ended - fetchedAt) / 1000,
      },
    };
    return { result, image: out.image, mimeType: 'image/png' };
  }
}
