// The engine thread of `Upscaler`: a TiledUpscaler, its models loaded once per thread.
import { workerData } from 'node:worker_threads';
import { asBuffer, serveEngine } from '@easel/engine-thread';
import {
  TiledUpscaler,
  type ImageFormat,
  type RgbImage,
  type UpscaleRequest,
  type UpscalerOptions,
} from './tiled-upscaler';

/** A call's request without its callback (functions do not cross threads; tiles come back as progress). */
export type ThreadRequest = Omit<UpscaleRequest, 'onTile'>;
export interface UpscaleRgbCall {
  image: RgbImage;
  request: ThreadRequest;
  tiling: { tileSize?: number };
}
export interface UpscaleImageCall {
  bytes: Uint8Array;
  request: ThreadRequest & { format?: ImageFormat };
}

const upscaler = new TiledUpscaler((workerData as { init: UpscalerOptions }).init);

serveEngine({
  upscaleRgb: ({ image, request, tiling }: UpscaleRgbCall, { progress }) =>
    upscaler.upscaleRgb(image, { ...request, onTile: (done, total) => progress([done, total]) }, tiling),
  upscaleImage: ({ bytes, request }: UpscaleImageCall, { progress }) =>
    upscaler.upscaleImage(asBuffer(bytes), { ...request, onTile: (done, total) => progress([done, total]) }),
});
