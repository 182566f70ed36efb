import * as tf from '@tensorflow/tfjs-core';
import type { LayersModel } from '@tensorflow/tfjs-layers';
import sharp from 'sharp';
import { loadUpscaleModel } from './load-model';
import { DEFAULT_UPSCALE_MODEL, modelDirectory, UPSCALE_MODELS, type UpscaleModelName, type UpscaleScale } from './models';
import { blendWeights, tileStarts } from './tiles';

/** Interleaved 8-bit RGB. */
export interface RgbImage {
  data: Uint8Array;
  width: number;
  height: number;
}

export interface UpscalerOptions {
  /** Largest tile side, in input pixels (memory and latency per inference). */
  tileSize?: number;
  /** Overlap between neighbouring tiles, in input pixels. */
  overlap?: number;
}

export interface UpscaleRequest {
  scale: UpscaleScale;
  model?: UpscaleModelName;
  /** Called after each tile (a long job's heartbeat and progress). */
  onTile?: (done: number, total: number) => void;
}

export type ImageFormat = 'png' | 'jpeg' | 'webp';

export const DEFAULT_TILE_SIZE = 192;
export const DEFAULT_OVERLAP = 16;

/**
 * Super-resolution on the bundled ESRGAN-family models, on the calling thread (TensorFlow.js WASM
 * runs synchronously): `Upscaler` runs it on an engine thread. Each (model, scale) is loaded once.
 */
export class TiledUpscaler {
  readonly tileSize: number;
  readonly overlap: number;
  private readonly models = new Map<string, Promise<LayersModel>>();

  constructor(options: UpscalerOptions = {}) {
    this.tileSize = options.tileSize ?? DEFAULT_TILE_SIZE;
    this.overlap = options.overlap ?? DEFAULT_OVERLAP;
    if (this.overlap < 4 || this.overlap % 4 !== 0) throw new Error('overlap must be a positive multiple of 4');
  }

  private model(name: UpscaleModelName, scale: UpscaleScale): Promise<LayersModel> {
    if (!UPSCALE_MODELS[name].scales.includes(scale)) throw new Error(`${name} has no ${scale}× model`);
    const key = `${name}@${scale}`;
    let model = this.models.get(key);
    if (!model) {
      model = loadUpscaleModel(modelDirectory(name, scale));
      model.catch(() => this.models.delete(key));
      this.models.set(key, model);
    }
    return model;
  }

  /** RGB → RGB `scale` times larger, in overlapping tiles of at most `tileSize` (`tileSize: Infinity` for one pass). */
  async upscaleRgb(image: RgbImage, request: UpscaleRequest, tiling: { tileSize?: number } = {}): Promise<RgbImage> {
    const { scale } = request;
    const model = await this.model(request.model ?? DEFAULT_UPSCALE_MODEL, scale);
    const { width: W, height: H, data } = image;
    const tile = tiling.tileSize ?? this.tileSize;
    const OW = W * scale;
    const OH = H * scale;
    const sum = new Float32Array(OW * OH * 3);
    const weightSum = new Float32Array(OW * OH);
    const xs = tileStarts(W, Math.min(tile, W), this.overlap);
    const ys = tileStarts(H, Math.min(tile, H), this.overlap);
    const tw = Math.min(tile, W);
    const th = Math.min(tile, H);
    let done = 0;
    for (const [yi, y0] of ys.entries()) {
      for (const [xi, x0] of xs.entries()) {
        const crop = new Float32Array(tw * th * 3);
        for (let y = 0; y < th; y++) {
          const row = ((y0 + y) * W + x0) * 3;
          for (let i = 0; i < tw * 3; i++) crop[y * tw * 3 + i] = data[row + i];
        }
        // The RDN models take and give 0–255 floats.
        const output = tf.tidy(() => model.predict(tf.tensor4d(crop, [1, th, tw, 3])) as tf.Tensor);
        const pixels = (await output.data()) as Float32Array;
        output.dispose();
        const wx = blendWeights(tw * scale, this.overlap * scale, xi > 0, xi < xs.length - 1);
        const wy = blendWeights(th * scale, this.overlap * scale, yi > 0, yi < ys.length - 1);
        for (let y = 0; y < th * scale; y++) {
          if (wy[y] === 0) continue;
          const outRow = (y0 * scale + y) * OW + x0 * scale;
          for (let x = 0; x < tw * scale; x++) {
            const w = wx[x] * wy[y];
            if (w === 0) continue;
            const o = outRow + x;
            const p = (y * tw * scale + x) * 3;
            weightSum[o] += w;
            sum[o * 3] += pixels[p] * w;
            sum[o * 3 + 1] += pixels[p + 1] * w;
            sum[o * 3 + 2] += pixels[p + 2] * w;
          }
        }
        request.onTile?.(++done, xs.length * ys.length);
      }
    }
    const out = new Uint8Array(OW * OH * 3);
    for (let i = 0; i < OW * OH; i++) {
      for (let c = 0; c < 3; c++) out[i * 3 + c] = Math.max(0, Math.min(255, Math.round(sum[i * 3 + c] / weightSum[i])));
    }
    return { data: out, width: OW, height: OH };
  }

  /**
   * An encoded image (anything sharp reads) → the upscaled image, encoded as `format` (default: the
   * input's own, else PNG). Colour goes through the model; an alpha channel is resized with Lanczos.
   */
  async upscaleImage(bytes: Buffer, request: UpscaleRequest & { format?: ImageFormat }): Promise<{ image: Buffer; width: number; height: number; format: ImageFormat }> {
    const meta = await sharp(bytes).metadata();
    const format = request.format ?? (meta.format === 'jpeg' || meta.format === 'webp' ? meta.format : 'png');
    const { data, info } = await sharp(bytes).removeAlpha().toColourspace('srgb').raw().toBuffer({ resolveWithObject: true });
    const up = await this.upscaleRgb({ data, width: info.width, height: info.height }, request);
    let img = sharp(Buffer.from(up.data.buffer, up.data.byteOffset, up.data.byteLength), { raw: { width: up.width, height: up.height, channels: 3 } });
    if (meta.hasAlpha) {
      const alpha = await sharp(bytes).extractChannel('alpha').resize(up.width, up.height, { kernel: 'lanczos3' }).raw().toBuffer();
      img = img.joinChannel(alpha, { raw: { width: up.width, height: up.height, channels: 1 } });
    }
    const image = await (format === 'jpeg' ? img.jpeg({ quality: 90 }) : format === 'webp' ? img.webp({ quality: 90 }) : img.png()).toBuffer();
    return { image, width: up.width, height: up.height, format };
  }

  dispose(): void {
    for (const model of this.models.values()) void model.then((m) => m.dispose(), () => undefined);
    this.models.clear();
  }
}
