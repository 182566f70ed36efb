import { DIFFUSION_SERVICE, OUTPUT_EXTENSIONS, type JobPayload, type SuperResolutionParams, type SuperResolutionResult } from '@easel/contracts';
import { MIME_TYPES } from '@easel/engine-diffusion';
import { UPSCALE_MODELS, type Upscaler, type UpscaleModelName } from '@easel/engine-upscale';
import sharp from 'sharp';
import { loadInputImage } from '../inputs/input-image';
import { PermanentJobError, type JobContext, type JobOutput, type ServiceHandler } from '../service-handler';

/** The largest input super_resolution takes (its output is up to 4× each side). */
export const SUPER_RESOLUTION_MAX_INPUT_PIXELS = 1024 * 1024;

export interface SuperResolutionHandlerOptions {
  upscaler: Upscaler;
  fetchAllowHosts: readonly string[];
}

/** `super_resolution` jobs: one image in, the same image `scale` times larger out. */
export class SuperResolutionHandler implements ServiceHandler {
  readonly service = DIFFUSION_SERVICE;

  constructor(private readonly options: SuperResolutionHandlerOptions) {}

  async run(payload: JobPayload, context: JobContext): Promise<JobOutput> {
    const p = payload.params as unknown as SuperResolutionParams;
    const field = p.imageField;
    if (!Object.hasOwn(UPSCALE_MODELS, p.upscaleModel)) throw new PermanentJobError('Model id not found', 'model_id');
    const started = performance.now();
    const input = await loadInputImage(field, p.image, this.options.fetchAllowHosts);
    const { width = 0, height = 0 } = await sharp(input).metadata();
    if (width * height > SUPER_RESOLUTION_MAX_INPUT_PIXELS) {
      throw new PermanentJobError(`The ${field.replace(/_/g, ' ')} must have at most ${SUPER_RESOLUTION_MAX_INPUT_PIXELS} pixels (1024×1024); it has ${width}×${height}.`, field);
    }
    // The upscaler's tiles overlap by `overlap` pixels; a side no longer than that cannot be tiled.
    const minSide = this.options.upscaler.overlap + 1;
    if (width < minSide || height < minSide) {
      throw new PermanentJobError(`The ${field.replace(/_/g, ' ')} must be at least ${minSide}×${minSide} pixels; it has ${width}×${height}.`, field);
    }
    const fetchedAt = performance.now();
    const up = await this.options.upscaler.upscaleImage(input, {
      scale: p.scale,
      model: p.upscaleModel as UpscaleModelName,
      format: p.outputFormat,
      onTile: (done, total) => context.progress(done, total),
    });
    const ended = performance.now();
    const result: SuperResolutionResult = {
      width: up.width,
      height: up.height,
      inputWidth: width,
      inputHeight: height,
      scale: p.scale,
      modelId: p.modelId ?? p.upscaleModel,
      upscaleModel: p.upscaleModel,
      format: up.format,
      generationTime: (ended - started) / 1000,
      timings: { total: Math.round(ended - started) / 1000, image_io: Math.round(fetchedAt - started) / 1000, upscale: Math.round(ended - fetchedAt) / 1000 },
    };
    return {
      result: result as unknown as Record<string, unknown>,
      files: [{ body: up.image, contentType: MIME_TYPES[up.format], extension: OUTPUT_EXTENSIONS[up.format] }],
    };
  }
}
