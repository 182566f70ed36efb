import { join, resolve } from 'node:path';
import { readFile, stat } from 'node:fs/promises';
import { createGraph, loadDiffusionModel, ModelFileError, type DiffusionModel, type Graph, type SessionOptions } from '@easel/engine-diffusion';

/** The inputs a motion UNet graph must have (README: "The graph"). */
export const VIDEO_UNET_INPUTS = ['sample', 'timestep', 'encoder_hidden_states', 'frame_times'] as const;

/**
 * A text-to-video model: the motion UNet (`unet/model.onnx`, image UNet + motion modules, frames
 * as an axis of their own) and, from the image model it was trained on (`base_model` in its
 * model_index.json), the tokenizer, text encoder, VAE and scheduler, which it shares unchanged.
 */
export interface VideoModel {
  dir: string;
  baseModelId: string;
  base: DiffusionModel;
  unet: Graph;
  /** The frame count the motion modules were trained on (unet/config.json `training_frames`). */
  trainingFrames: number;
  /** The share of the starting noise common to all frames that the model was trained with (`frame_noise_shared`, 0: none; frame-noise.ts). */
  frameNoiseShared: number;
  release(): Promise<void>;
}

interface ModelIndex {
  _class_name?: string;
  base_model?: string;
}

async function readJson<T>(path: string): Promise<T> {
  try {
    return JSON.parse(await readFile(path, 'utf8')) as T;
  } catch (err) {
    throw new ModelFileError('model_file_missing', path, `Cannot read ${path}: ${(err as Error).message}`, err);
  }
}

/** Reads the base model id a motion model names (to find its directory before loading). */
export async function baseModelOf(dir: string): Promise<string> {
  const index = await readJson<ModelIndex>(join(resolve(dir), 'model_index.json'));
  if (!index.base_model) throw new ModelFileError('model_file_corrupt', join(dir, 'model_index.json'), `${dir}/model_index.json names no base_model (the image model whose text encoder and VAE it uses).`);
  return index.base_model;
}

/** Loads a motion model from `dir` over the base image model in `baseDir`. */
export async function loadVideoModel(dir: string, baseDir: string, options: SessionOptions = {}): Promise<VideoModel> {
  const root = resolve(dir);
  const baseModelId = await baseModelOf(root);
  const unetPath = join(root, 'unet', 'model.onnx');
  const config = await readJson<{ training_frames?: number; frame_noise_shared?: number }>(join(root, 'unet', 'config.json'));
  const bytes = (await stat(unetPath).catch(() => undefined))?.size;
  if (bytes === undefined) throw new ModelFileError('model_file_missing', unetPath, `The video model ${root} has no unet/model.onnx.`);
  // the base's own UNet is not what draws the frames: no second session for it (splitUnetRows), nor time
  // spent fusing its attention. The motion UNet runs as exported: fused, its spatial blocks saved no
  // measurable time (bench/video/run.mjs, 16 frames at 128²: 0.33 s a frame either way) for 1.8 s more at load.
  const base = await loadDiffusionModel(baseDir, { ...options, splitUnetRows: false, fuseAttention: false });
  try {
    const unet = await createGraph('video_unet', unetPath, bytes, options);
    unet.requireInputs(VIDEO_UNET_INPUTS);
    return {
      dir: root,
      baseModelId,
      base,
      unet,
      trainingFrames: config.training_frames ?? 16,
      frameNoiseShared: config.frame_noise_shared ?? 0,
      release: async () => {
        await unet.release().catch(() => undefined);
        await base.release();
      },
    };
  } catch (err) {
    await base.release();
    throw err;
  }
}
