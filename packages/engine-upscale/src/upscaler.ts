import { extname, join } from 'node:path';
import { asBuffer, EngineThread } from '@easel/engine-thread';
import {
  DEFAULT_OVERLAP,
  DEFAULT_TILE_SIZE,
  type ImageFormat,
  type RgbImage,
  type UpscaleRequest,
  type UpscalerOptions,
} from './tiled-upscaler';
import type { UpscaleImageCall, UpscaleRgbCall } from './upscale-thread';

export { DEFAULT_OVERLAP, DEFAULT_TILE_SIZE };
export type { ImageFormat, RgbImage, UpscaleRequest, UpscalerOptions };

/**
 * Super-resolution on the bundled ESRGAN-family models, run on an engine thread of its own: a
 * 1024² ×4 job is ~40 s of synchronous WASM and blending that would otherwise freeze the process
 * (an embedded gateway's /healthz included). Same pixels as TiledUpscaler, which it runs.
 */
export class Upscaler {
  readonly tileSize: number;
  readonly overlap: number;
  private readonly thread: EngineThread;

  constructor(options: UpscalerOptions = {}) {
    this.tileSize = options.tileSize ?? DEFAULT_TILE_SIZE;
    this.overlap = options.overlap ?? DEFAULT_OVERLAP;
    if (this.overlap < 4 || this.overlap % 4 !== 0)
      throw new Error('overlap must be a positive multiple of 4');
    const module = join(__dirname, `upscale-thread${extname(__filename)}`);
    this.thread = new EngineThread({ module, init: { tileSize: this.tileSize, overlap: this.overlap } });
  }

  /** RGB → RGB `scale` times larger, in overlapping tiles of at most `tileSize` (`tileSize: Infinity` for one pass). */
  upscaleRgb(
    image: RgbImage,
    request: UpscaleRequest,
    tiling: { tileSize?: number } = {},
  ): Promise<RgbImage> {
    const { onTile, ...rest } = request;
    const call: UpscaleRgbCall = { image, request: rest, tiling };
    return this.thread.call<RgbImage>('upscaleRgb', call, { onProgress: tileProgress(onTile) });
  }

  /**
   * An encoded image (anything sharp reads) → the upscaled image, encoded as `format` (default: the
   * input's own, else PNG). Colour goes through the model; an alpha channel is resized with Lanczos.
   */
  async upscaleImage(
    bytes: Buffer,
    request: UpscaleRequest & { format?: ImageFormat },
  ): Promise<{ image: Buffer; width: number; height: number; format: ImageFormat }> {
    const { onTile, ...rest } = request;
    const call: UpscaleImageCall = { bytes, request: rest };
    const up = await this.thread.call<{
      image: Uint8Array;
      width: number;
      height: number;
      format: ImageFormat;
    }>('upscaleImage', call, { onProgress: tileProgress(onTile) });
    return { ...up, image: asBuffer(up.image) };
  }

  /** Frees the models (ends the engine thread). */
  dispose(): void {
    void this.thread.close();
  }
}

const tileProgress = (onTile: UpscaleRequest['onTile']) =>
  onTile ? ([done, total]: [number, number]) => onTile(done, total) : undefined;
