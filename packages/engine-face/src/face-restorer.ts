import { resolve } from 'node:path';
import * as ort from 'onnxruntime-node';
import sharp from 'sharp';

/** GFPGAN's and CodeFormer's ONNX exports take 512×512 faces; a graph with a fixed input size says its own. */
export const DEFAULT_FACE_SIDE = 512;

export interface RestoreOptions {
  /** CodeFormer's fidelity weight w (0–1), fed to a graph's second input when it has one. */
  fidelity: number;
}

export interface RestoredFace {
  /** An RGB PNG of the input's size. */
  image: Buffer;
  width: number;
  height: number;
  /** The side the graph ran at. */
  side: number;
}

interface LoadedGraph {
  session: ort.InferenceSession;
  side: number;
}

/**
 * Face restoration with a GFPGAN/CodeFormer-style ONNX graph: input [1, 3, S, S] RGB in [-1, 1],
 * output the same. No face detector is bundled, so the picture is taken as one aligned face crop:
 * resized to S × S, restored, resized back to its own size. Sessions are cached per graph file.
 * onnxruntime-node runs the graph off the event loop; the resizes are sharp's (libvips threads).
 */
export class FaceRestorer {
  private readonly sessions = new Map<string, Promise<LoadedGraph>>();

  constructor(private readonly options: { intraOpNumThreads?: number } = {}) {}

  async restore(graphPath: string, bytes: Buffer, options: RestoreOptions): Promise<RestoredFace> {
    const { session, side } = await this.load(graphPath);
    const { data, info } = await sharp(bytes)
      .removeAlpha()
      .toColourspace('srgb')
      .raw()
      .toBuffer({ resolveWithObject: true });
    const { width, height } = info;
    const face = await sharp(data, { raw: { width, height, channels: 3 } })
      .resize(side, side, { fit: 'fill', kernel: 'lanczos3' })
      .raw()
      .toBuffer();
    const plane = side * side;
    const input = new Float32Array(3 * plane);
    for (let i = 0; i < plane; i++)
      for (let c = 0; c < 3; c++) input[c * plane + i] = face[i * 3 + c]! / 127.5 - 1;
    const feeds: Record<string, ort.Tensor> = {
      [session.inputNames[0]!]: new ort.Tensor('float32', input, [1, 3, side, side]),
    };
    // CodeFormer's export has a second input: the fidelity weight (a double or float scalar).
    const weight = session.inputNames[1];
    if (weight !== undefined) feeds[weight] = fidelityTensor(session, weight, options.fidelity);
    const outputs = await session.run(feeds);
    const out = outputs[session.outputNames[0]!]!;
    if (out.dims.length !== 4 || out.dims[1] !== 3 || out.dims[2] !== side || out.dims[3] !== side)
      throw new Error(
        `the face_restore graph gave an output of shape [${out.dims.join(', ')}], not [1, 3, ${side}, ${side}]`,
      );
    const values = out.data as Float32Array;
    const rgb = Buffer.alloc(plane * 3);
    for (let i = 0; i < plane; i++)
      for (let c = 0; c < 3; c++)
        rgb[i * 3 + c] = Math.round(Math.min(1, Math.max(-1, values[c * plane + i]!)) * 127.5 + 127.5);
    const image = await sharp(rgb, { raw: { width: side, height: side, channels: 3 } })
      .resize(width, height, { fit: 'fill', kernel: 'lanczos3' })
      .png()
      .toBuffer();
    return { image, width, height, side };
  }

  /** Drops a graph's cached session (its model was reloaded or deleted). */
  async unload(graphPath: string): Promise<boolean> {
    const key = resolve(graphPath);
    const loaded = this.sessions.get(key);
    if (!loaded) return false;
    this.sessions.delete(key);
    await (await loaded.catch(() => null))?.session.release();
    return true;
  }

  async dispose(): Promise<void> {
    for (const key of [...this.sessions.keys()]) await this.unload(key);
  }

  private load(graphPath: string): Promise<LoadedGraph> {
    const key = resolve(graphPath);
    let loaded = this.sessions.get(key);
    if (!loaded) {
      loaded = (async () => {
        const session = await ort.InferenceSession.create(key, {
          ...(this.options.intraOpNumThreads ? { intraOpNumThreads: this.options.intraOpNumThreads } : {}),
        });
        return { session, side: inputSide(session) };
      })();
      loaded.catch(() => this.sessions.delete(key));
      this.sessions.set(key, loaded);
    }
    return loaded;
  }
}

/** The graph's fixed square input side, else GFPGAN's 512. */
function inputSide(session: ort.InferenceSession): number {
  const meta = session.inputMetadata?.[0] as
    { isTensor?: boolean; shape?: Array<number | string> } | undefined;
  const shape = meta?.isTensor ? meta.shape : undefined;
  const h = shape?.[2];
  const w = shape?.[3];
  return typeof h === 'number' && h > 0 && h === w ? h : DEFAULT_FACE_SIDE;
}

function fidelityTensor(session: ort.InferenceSession, name: string, fidelity: number): ort.Tensor {
  const meta = session.inputMetadata?.[1] as
    { isTensor?: boolean; type?: string; shape?: unknown[] } | undefined;
  const dims = meta?.isTensor && Array.isArray(meta.shape) ? meta.shape.map(() => 1) : [];
  if (meta?.isTensor && meta.type === 'float64')
    return new ort.Tensor('float64', new Float64Array([fidelity]), dims);
  void name;
  return new ort.Tensor('float32', new Float32Array([fidelity]), dims);
}
