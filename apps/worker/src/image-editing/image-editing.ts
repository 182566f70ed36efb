import {
  FACE_RESTORE_KIND,
  OBJECT_REMOVAL_COLOURS,
  OBJECT_REMOVAL_KIND,
  type FaceRestoreParams,
  type ImageEditingParams,
  type ImageEditingResult,
  type ObjectRemovalParams,
  type RemoveBackgroundParams,
} from '@easel/contracts';
import type { Matting } from '@easel/engine-matting';
import sharp from 'sharp';
import type { FaceEnhancer } from '../face/face-enhancer';
import { loadInputImage } from '../inputs/input-image';
import { PermanentJobError } from '../service-handler';

/** The largest picture an edit takes (GrabCut runs on a downscaled copy; the output is full size). */
export const IMAGE_EDITING_MAX_INPUT_PIXELS = 1024 * 1024;

export interface ImageEditingOptions {
  matting: Matting;
  /** face_restore's models (made on first use: a worker that never restores a face loads no ONNX Runtime session). */
  faces: () => FaceEnhancer;
  fetchAllowHosts: readonly string[];
}

export interface Edited {
  result: ImageEditingResult;
  image: Buffer;
  mimeType: string;
}

const PALETTE = Object.values(OBJECT_REMOVAL_COLOURS);
const seconds = (ms: number) => Math.round(ms) / 1000;

/** One edit: the one path of bus jobs (ImageEditingHandler) and direct gRPC calls (imageEditingGrpcEntry). */
export class ImageEditing {
  constructor(private readonly options: ImageEditingOptions) {}

  async run(p: ImageEditingParams, tenantId: string): Promise<Edited> {
    const started = performance.now();
    const input = await this.load('image', p.image);
    const fetchedAt = performance.now();
    const done = (
      result: Omit<ImageEditingResult, 'kind' | 'generationTime' | 'timings'>,
      image: Buffer,
      phase: string,
    ): Edited => {
      const ended = performance.now();
      return {
        result: {
          kind: p.kind,
          ...result,
          generationTime: (ended - started) / 1000,
          timings: {
            total: seconds(ended - started),
            image_io: seconds(fetchedAt - started),
            [phase]: seconds(ended - fetchedAt),
          },
        },
        image,
        mimeType: 'image/png',
      };
    };
    if (p.kind === OBJECT_REMOVAL_KIND) {
      const out = await this.removeObject(p, input);
      return done(
        { width: out.width, height: out.height, maskFraction: Math.round(out.maskFraction * 10000) / 10000 },
        out.image,
        'object_removal',
      );
    }
    if (p.kind === FACE_RESTORE_KIND) {
      const image = await this.restoreFace(p, input, tenantId);
      const { width = 0, height = 0 } = await sharp(image).metadata();
      return done({ width, height, faceModel: p.faceModel }, image, 'face_restore');
    }
    const out = await this.removeBackground(p, input);
    return done(
      {
        width: out.width,
        height: out.height,
        seed: p.seed,
        foregroundFraction: Math.round(out.foregroundFraction * 10000) / 10000,
      },
      out.image,
      'removebg',
    );
  }

  private async load(field: string, value: string): Promise<Buffer> {
    const input = await loadInputImage(field, value, this.options.fetchAllowHosts);
    const { width = 0, height = 0 } = await sharp(input).metadata();
    if (width * height > IMAGE_EDITING_MAX_INPUT_PIXELS)
      throw new PermanentJobError(
        `The ${field.replace(/_/g, ' ')} must have at most ${IMAGE_EDITING_MAX_INPUT_PIXELS} pixels (1024×1024); it has ${width}×${height}.`,
        field,
      );
    return input;
  }

  private removeBackground(p: RemoveBackgroundParams, input: Buffer) {
    return this.options.matting.removeBackground(input, {
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
  }

  private async removeObject(p: ObjectRemovalParams, input: Buffer) {
    let mask: Buffer | null = null;
    if (p.maskImage) {
      mask = await this.load('mask_image', p.maskImage);
      const [a, b] = await Promise.all([sharp(input).metadata(), sharp(mask).metadata()]);
      if (a.width !== b.width || a.height !== b.height)
        throw new PermanentJobError(
          `The mask image must be the size of the image (${a.width}×${a.height}); it is ${b.width}×${b.height}.`,
          'mask_image',
        );
    }
    return this.options.matting.removeObject(input, {
      mask,
      colour: p.colour ? OBJECT_REMOVAL_COLOURS[p.colour]! : null,
      palette: PALETTE,
      maskDilate: p.maskDilate,
      fillRadius: p.fillRadius,
    });
  }

  private restoreFace(p: FaceRestoreParams, input: Buffer, tenantId: string): Promise<Buffer> {
    return this.options.faces().restore(tenantId, p.faceModel, input, 'model_id', p.fidelity);
  }
}
