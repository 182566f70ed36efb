import {
  OUTPUT_EXTENSIONS,
  SUPER_RESOLUTION_SERVICE,
  type JobPayload,
  type SuperResolutionParams,
  type SuperResolutionResult,
} from '@easel/contracts';
import { MIME_TYPES } from '@easel/engine-diffusion';
import { UPSCALE_MODELS, type Upscaler, type UpscaleModelName } from '@easel/engine-upscale';
import sharp from 'sharp';
import type { FaceEnhancer } from '../face/face-enhancer';
import { loadInputImage } from '../inputs/input-image';
import { PermanentJobError, type JobContext, type JobOutput, type ServiceHandler } from '../service-handler';

/** The largest input super_resolution takes (its output is up to 4× each side). */
export const SUPER_RESOLUTION_MAX_INPUT_PIXELS = 1024 * 1024;

export interface SuperResolutionOptions {
  upscaler: Upscaler;
  /** face_enhance's models (made on first use). */
  faces?: () => FaceEnhancer;
  fetchAllowHosts: readonly string[];
}

export interface Upscaled {
  result: SuperResolutionResult;
  image: Buffer;
  mimeType: string;
}

/**
 * One image in, the same image `scale` times larger out: the one path of bus jobs
 * (SuperResolutionHandler) and direct gRPC calls (SuperResolutionGrpcService).
 */
export class SuperResolution {
  constructor(private readonly options: SuperResolutionOptions) {}

  /** `tenantId`: whose face_restore model face_enhance runs (the job's tenant). */
  async run(
    p: SuperResolutionParams,
    onTile?: (done: number, total: number) => void,
    tenantId = '',
  ): Promise<Upscaled> {
    const field = p.imageField;
    if (!Object.hasOwn(UPSCALE_MODELS, p.upscaleModel))
      throw new PermanentJobError('Model id not found', 'model_id');
    const started = performance.now();
    const input = await loadInputImage(field, p.image, this.options.fetchAllowHosts);
    const { width = 0, height = 0 } = await sharp(input).metadata();
    if (width * height > SUPER_RESOLUTION_MAX_INPUT_PIXELS) {
      throw new PermanentJobError(
        `The ${field.replace(/_/g, ' ')} must have at most ${SUPER_RESOLUTION_MAX_INPUT_PIXELS} pixels (1024×1024); it has ${width}×${height}.`,
        field,
      );
    }
    // The upscaler's tiles overlap by `overlap` pixels; a side no longer than that cannot be tiled.
    const minSide = this.options.upscaler.overlap + 1;
    if (width < minSide || height < minSide) {
      throw new PermanentJobError(
        `The ${field.replace(/_/g, ' ')} must be at least ${minSide}×${minSide} pixels; it has ${width}×${height}.`,
        field,
      );
    }
    const fetchedAt = performance.now();
    const up = await this.options.upscaler.upscaleImage(input, {
      scale: p.scale,
      model: p.upscaleModel as UpscaleModelName,
      format: p.outputFormat,
      ...(onTile ? { onTile } : {}),
    });
    const upscaledAt = performance.now();
    let image = up.image;
    if (p.faceModel) {
      if (!this.options.faces)
        throw new PermanentJobError('This worker cannot run face_enhance.', 'face_enhance');
      const restored = await this.options.faces().restore(tenantId, p.faceModel, up.image, 'face_enhance');
      image = await sharp(restored).toFormat(up.format).toBuffer();
    }
    const ended = performance.now();
    const result: SuperResolutionResult = {
      width: up.width,
      height: up.height,
      inputWidth: width,
      inputHeight: height,
      scale: p.scale,
      modelId: p.modelId ?? p.upscaleModel,
      upscaleModel: p.upscaleModel,
      faceModel: p.faceModel ?? null,
      format: up.format,
      generationTime: (ended - started) / 1000,
      timings: {
        total: Math.round(ended - started) / 1000,
        image_io: Math.round(fetchedAt - started) / 1000,
        upscale: Math.round(upscaledAt - fetchedAt) / 1000,
        ...(p.faceModel ? { face_enhance: Math.round(ended - upscaledAt) / 1000 } : {}),
      },
    };
    return { result, image, mimeType: MIME_TYPES[up.format] };
  }
}

/** `super_resolution` jobs from the bus. */
export class SuperResolutionHandler implements ServiceHandler {
  readonly service = SUPER_RESOLUTION_SERVICE;

  constructor(private readonly superResolution: SuperResolution) {}

  async run(payload: JobPayload, context: JobContext): Promise<JobOutput> {
    const { result, image, mimeType } = await this.superResolution.run(
      payload.params as unknown as SuperResolutionParams,
      (done, total) => context.progress(done, total),
      payload.tenantId,
    );
    return {
      result: result as unknown as Record<string, unknown>,
      files: [
        {
          body: image,
          contentType: mimeType,
          extension: OUTPUT_EXTENSIONS[result.format as keyof typeof OUTPUT_EXTENSIONS],
        },
      ],
    };
  }
}
