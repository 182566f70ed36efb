import { join, resolve } from 'node:path';
import { GraphMismatchError, ModelFileError } from '../errors';
import { readJsonIfExists, requireFile } from '../model/files';
import { dim, vaeFactorFromConfig, type ModelInfo, type VaeConfig } from '../model/model-info';
import { createGraph, type Graph, type SessionOptions } from '../model/session';
import type { SchedulerConfig } from '../schedulers/scheduler';
import { ClipTokenizer } from '../text/clip-tokenizer';
import { T5Tokenizer } from '../text/t5-tokenizer';

/** A loaded FLUX.1 directory (optimum's ONNX export): CLIP-L, T5, the transformer, the VAE. */
export interface FluxModel {
  info: ModelInfo & { family: 'flux'; shiftFactor: number; guidanceEmbeds: boolean; t5Length: number };
  clipTokenizer: ClipTokenizer;
  t5Tokenizer: T5Tokenizer;
  clip: Graph;
  t5: Graph;
  transformer: Graph;
  vaeDecoder: Graph;
  release(): Promise<void>;
}

export const FLUX_TRANSFORMER_INPUTS = ['hidden_states', 'encoder_hidden_states', 'pooled_projections', 'timestep', 'img_ids', 'txt_ids'];

export function isFluxModel(model: object): model is FluxModel {
  return 'transformer' in model;
}

async function tokenizer<T>(dir: string, load: (d: string) => Promise<T>): Promise<T> {
  try {
    return await load(dir);
  } catch (err) {
    throw new ModelFileError('model_file_corrupt', dir, `Cannot load the tokenizer: ${(err as Error).message}`, err);
  }
}

export async function loadFluxModel(dirIn: string, options: SessionOptions = {}): Promise<FluxModel> {
  const dir = resolve(dirIn);
  const path = (folder: string) => join(dir, folder, 'model.onnx');
  const sizes = {
    clip: await requireFile(path('text_encoder'), 'its CLIP text encoder'),
    t5: await requireFile(path('text_encoder_2'), 'its T5 text encoder'),
    transformer: await requireFile(path('transformer'), 'its transformer'),
    dec: await requireFile(path('vae_decoder'), 'its VAE decoder'),
  };
  await requireFile(join(dir, 'tokenizer_2', 'tokenizer.json'), "its T5 tokenizer's tokenizer.json");
  const schedulerConfig = (await readJsonIfExists<SchedulerConfig>(join(dir, 'scheduler', 'scheduler_config.json'))) ?? {};
  const vaeConfig = (await readJsonIfExists<VaeConfig & { shift_factor?: number }>(join(dir, 'vae_decoder', 'config.json'))) ?? (await readJsonIfExists(join(dir, 'vae', 'config.json')));
  const clipTokenizer = await tokenizer(join(dir, 'tokenizer'), (d) => ClipTokenizer.fromDirectory(d));
  const t5Tokenizer = await tokenizer(join(dir, 'tokenizer_2'), (d) => T5Tokenizer.fromDirectory(d));
  const graphs: Graph[] = [];
  const release = async () => {
    await Promise.all(graphs.map((g) => g.release().catch(() => undefined)));
  };
  try {
    const clip = await createGraph('text_encoder', path('text_encoder'), sizes.clip, options);
    graphs.push(clip);
    const t5 = await createGraph('text_encoder_2', path('text_encoder_2'), sizes.t5, options);
    graphs.push(t5);
    const transformer = await createGraph('transformer', path('transformer'), sizes.transformer, options);
    graphs.push(transformer);
    const vaeDecoder = await createGraph('vae_decoder', path('vae_decoder'), sizes.dec, options);
    graphs.push(vaeDecoder);
    clip.requireInputs(['input_ids']);
    t5.requireInputs(['input_ids']);
    transformer.requireInputs(FLUX_TRANSFORMER_INPUTS);
    vaeDecoder.requireInputs(['latent_sample']);
    const packed = dim(transformer.input('hidden_states').shape, 2) ?? 64;
    const latentChannels = vaeConfig?.latent_channels ?? packed / 4;
    if (packed !== latentChannels * 4) throw new GraphMismatchError('transformer', 'hidden_states', `The transformer takes ${packed} values per token; a ${latentChannels}-channel latent packs into ${latentChannels * 4}.`);
    const vaeScaleFactor = vaeFactorFromConfig(vaeConfig) ?? 8;
    const info: FluxModel['info'] = {
      dir,
      family: 'flux',
      forceZerosForEmptyPrompt: false,
      timeIds: 0,
      latentChannels,
      unetInChannels: packed,
      isInpaintUnet: false,
      vaeScaleFactor,
      scalingFactor: vaeConfig?.scaling_factor ?? 0.3611,
      shiftFactor: vaeConfig?.shift_factor ?? 0,
      predictionType: 'epsilon',
      timestepType: 'float32',
      timestepIsScalarBatch: false,
      textWidth: dim(t5.outputs.get('last_hidden_state')?.shape, 2) ?? dim(transformer.input('encoder_hidden_states').shape, 2) ?? 4096,
      sequenceLength: clipTokenizer.maxLength,
      t5Length: Math.min(t5Tokenizer.maxLength, 512),
      hiddenStateOutputs: [],
      hasVaeEncoder: false,
      guidanceEmbeds: transformer.inputs.has('guidance'),
      nativeSize: 128 * vaeScaleFactor,
      schedulerConfig,
      bytes: sizes.clip + sizes.t5 + sizes.transformer + sizes.dec,
    };
    return { info, clipTokenizer, t5Tokenizer, clip, t5, transformer, vaeDecoder, release };
  } catch (err) {
    await release();
    throw err;
  }
}
