import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import sharp from 'sharp';
import { cp, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { parseModel, serializeModel } from '../onnx/model-proto';

export const MODELS = join(__dirname, '..', '..', '..', '..', 'models');
export const SD15_RANDOM = join(MODELS, 'sd15-random');
export const SD15_RANDOM_INPAINT = join(MODELS, 'sd15-random-inpaint');

/** A W×H PNG of 8×8 blocks of solid colours (block-constant, so the test VAE round-trips it). */
export async function blockImage(width: number, height: number): Promise<Buffer> {
  const rgb = Buffer.alloc(width * height * 3);
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) {
      const bx = x >> 3;
      const by = y >> 3;
      const o = (y * width + x) * 3;
      rgb[o] = ((bx * 53 + by * 17) % 200) + 20;
      rgb[o + 1] = ((bx * 29 + by * 71) % 200) + 20;
      rgb[o + 2] = ((bx * 11 + by * 37) % 200) + 20;
    }
  return sharp(rgb, { raw: { width, height, channels: 3 } })
    .png()
    .toBuffer();
}

/** A mask PNG: white (repaint) on the left half, black on the right. */
export async function leftHalfMask(width: number, height: number): Promise<Buffer> {
  const g = Buffer.alloc(width * height);
  for (let y = 0; y < height; y++) for (let x = 0; x < width / 2; x++) g[y * width + x] = 255;
  return sharp(g, { raw: { width, height, channels: 1 } })
    .png()
    .toBuffer();
}

/** Raw RGB floats in [0,1], NCHW for one image, from a PNG. */
export async function pngToPixels(
  png: Buffer,
): Promise<{ data: Float32Array; width: number; height: number }> {
  const { data, info } = await sharp(png).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  const plane = info.width * info.height;
  const out = new Float32Array(3 * plane);
  for (let i = 0; i < plane; i++)
    for (let c = 0; c < 3; c++) out[c * plane + i] = data[i * info.channels + c] / 255;
  return { data: out, width: info.width, height: info.height };
}

/**
 * Feeds for easel-tiny's UNet: `batch` rows of a 4×latent×latent sample and 77×128 text states
 * (a fixed pseudo-random stream from `seed`), timestep 500, and the zero [1, C, 1, 1] ControlNet
 * residuals the pipeline gives it without a ControlNet.
 */
export function easelTinyUnetFeeds(batch: number, latent: number, seed = 1): Record<string, ort.Tensor> {
  let s = seed;
  const random = (n: number) => Float32Array.from({ length: n }, () => (s = (s * 16807) % 2147483647) / 2147483647 - 0.5);
  const feeds: Record<string, ort.Tensor> = {
    sample: new ort.Tensor('float32', random(batch * 4 * latent * latent), [batch, 4, latent, latent]),
    timestep: new ort.Tensor('int64', new BigInt64Array([500n]), [1]),
    encoder_hidden_states: new ort.Tensor('float32', random(batch * 77 * 128), [batch, 77, 128]),
  };
  [64, 64, 64, 96, 96, 128].forEach((c, i) => (feeds[`down_block_additional_residual_${i}`] = new ort.Tensor('float32', new Float32Array(c), [1, c, 1, 1])));
  feeds['mid_block_additional_residual'] = new ort.Tensor('float32', new Float32Array(128), [1, 128, 1, 1]);
  return feeds;
}

export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

/** Minimal .npy reader for little-endian float32 C-order arrays (the parity fixtures). */
export function readNpyFloat32(buf: Buffer): { data: Float32Array; shape: number[] } {
  if (buf.readUInt32BE(0) !== 0x934e554d) throw new Error('not a .npy file');
  const major = buf[6];
  const headerLen = major >= 2 ? buf.readUInt32LE(8) : buf.readUInt16LE(8);
  const start = (major >= 2 ? 12 : 10) + headerLen;
  const header = buf.subarray(major >= 2 ? 12 : 10, start).toString('latin1');
  if (!header.includes("'descr': '<f4'") || header.includes("'fortran_order': True"))
    throw new Error(`unsupported .npy header ${header}`);
  const shape = /'shape': \(([^)]*)\)/
    .exec(header)![1]
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map(Number);
  const bytes = buf.subarray(start);
  const data = new Float32Array(bytes.length / 4);
  for (let i = 0; i < data.length; i++) data[i] = bytes.readFloatLE(i * 4);
  return { data, shape };
}

/**
 * A copy of `dir` (in a temporary folder) whose text encoder has no `hidden_states.N` outputs, as
 * most ONNX exports of SD ship: what clip_skip > 1 must refuse. (Copied as
 * packages/testing's modelWithoutHiddenStates: the engine's tests cannot depend on that package.)
 */
export async function withoutHiddenStates(dir: string): Promise<string> {
  const out = join(await mkdtemp(join(tmpdir(), 'easel-no-hidden-')), 'model');
  await cp(dir, out, { recursive: true });
  const path = join(out, 'text_encoder', 'model.onnx');
  const model = parseModel(await readFile(path), path);
  const graph = model.graph!;
  graph.output = graph.output.filter((o) => !o.name.startsWith('hidden_states'));
  graph.node = graph.node.filter((n) => !n.output.some((o) => o.startsWith('hidden_states')));
  await writeFile(path, serializeModel(model));
  return out;
}
