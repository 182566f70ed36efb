import { join, resolve } from 'node:path';
import { readFile, stat } from 'node:fs/promises';
import { ClipTokenizer, ModelFileError, createGraph, type Graph, type SchedulerConfig, type SessionOptions } from '@easel/engine-diffusion';

/** prior/config.json: the latent the prior samples and how the decoder reads it. */
export interface PriorConfig {
  latent_dim: number;
  cross_attention_dim: number;
  /** The decoder reads sample * latent_std + latent_mean. */
  latent_mean: number[];
  latent_std: number[];
  image_size: number;
  /** The grey (0..1) the image encoder's views sit on. */
  image_background: number;
  foreground_ratio: number;
  bounds: [number, number];
}

/** The graph interface (README: "The model"). */
export const MESH_GRAPH_INPUTS = {
  text_encoder: ['input_ids'],
  image_encoder: ['pixel_values'],
  prior: ['sample', 'timestep', 'encoder_hidden_states'],
  shape_decoder: ['points', 'latent'],
} as const;

/** A text/image-to-3D model directory in easel-tiny-mesh's layout, loaded. */
export interface MeshModel {
  dir: string;
  tokenizer: ClipTokenizer;
  textEncoder: Graph;
  /** Absent in a text-only model: image_to_3d then refuses. */
  imageEncoder?: Graph;
  prior: Graph;
  shapeDecoder: Graph;
  config: PriorConfig;
  schedulerConfig: SchedulerConfig;
  release(): Promise<void>;
}

async function readJson<T>(path: string): Promise<T> {
  try {
    return JSON.parse(await readFile(path, 'utf8')) as T;
  } catch (err) {
    throw new ModelFileError('model_file_missing', path, `Cannot read ${path}: ${(err as Error).message}`, err);
  }
}

async function graph(root: string, name: keyof typeof MESH_GRAPH_INPUTS, options: SessionOptions, optional = false): Promise<Graph | undefined> {
  const path = join(root, name, 'model.onnx');
  const bytes = (await stat(path).catch(() => undefined))?.size;
  if (bytes === undefined) {
    if (optional) return undefined;
    throw new ModelFileError('model_file_missing', path, `The 3D model ${root} has no ${name}/model.onnx.`);
  }
  const g = await createGraph(name, path, bytes, options);
  g.requireInputs(MESH_GRAPH_INPUTS[name]);
  return g;
}

export async function loadMeshModel(dir: string, options: SessionOptions = {}): Promise<MeshModel> {
  const root = resolve(dir);
  const config = await readJson<PriorConfig>(join(root, 'prior', 'config.json'));
  const schedulerConfig = await readJson<SchedulerConfig>(join(root, 'scheduler', 'scheduler_config.json'));
  if (config.latent_mean?.length !== config.latent_dim || config.latent_std?.length !== config.latent_dim) {
    throw new ModelFileError('model_file_corrupt', join(root, 'prior', 'config.json'), `${root}/prior/config.json: latent_mean and latent_std must have latent_dim (${config.latent_dim}) values.`);
  }
  const tokenizer = await ClipTokenizer.fromDirectory(join(root, 'tokenizer')).catch((err: Error) => {
    throw new ModelFileError('model_file_missing', join(root, 'tokenizer'), `Cannot read the tokenizer of ${root}: ${err.message}`, err);
  });
  const opened: Graph[] = [];
  try {
    const textEncoder = (await graph(root, 'text_encoder', options))!;
    opened.push(textEncoder);
    const imageEncoder = await graph(root, 'image_encoder', options, true);
    if (imageEncoder) opened.push(imageEncoder);
    const prior = (await graph(root, 'prior', options))!;
    opened.push(prior);
    const shapeDecoder = (await graph(root, 'shape_decoder', options))!;
    opened.push(shapeDecoder);
    return {
      dir: root,
      tokenizer,
      textEncoder,
      imageEncoder,
      prior,
      shapeDecoder,
      config,
      schedulerConfig,
      release: async () => {
        await Promise.all(opened.map((g) => g.release().catch(() => undefined)));
      },
    };
  } catch (err) {
    await Promise.all(opened.map((g) => g.release().catch(() => undefined)));
    throw err;
  }
}
