import * as ort from 'onnxruntime-node';
import { dirname, join, resolve } from 'node:path';
import { GraphMismatchError, UnsupportedFeatureError } from '../errors';
import type { SchedulerConfig } from '../schedulers/scheduler';
import { ClipTokenizer } from '../text/clip-tokenizer';
import { fileSize, folderBytes, readJsonIfExists, requireFile } from './files';
import { dim, predictionTypeOf, vaeFactorFromConfig, type ModelInfo, type UnetConfig, type VaeConfig } from './model-info';
import { createGraph, type Graph, type SessionOptions } from './session';
import { prepareGraph, type PreparationReport } from './prepare-graph';
import { ModelFileError } from '../errors';
import { familyOf, type ModelIndex } from './model-family';
import { adaptGraphs, hasAdapters, type AdapterReport, type AdapterSpec, type TextEncoderFile } from '../adapters/adapt-model';

/** A loaded model directory: its four graphs, tokenizer and derived facts. */
export interface DiffusionModel {
  info: ModelInfo;
  /** The first text encoder's tokenizer (the SDXL refiner has only `tokenizer_2`: it is this one). */
  tokenizer: ClipTokenizer;
  /** The first text encoder (the SDXL refiner's only one, `text_encoder_2`, is this one). */
  textEncoder: Graph;
  /** SDXL base: the second text encoder (CLIPTextModelWithProjection) and its tokenizer. */
  textEncoder2?: Graph;
  tokenizer2?: ClipTokenizer;
  unet: Graph;
  /** What loading did to the UNet graph before its session (prepareGraph): attention blocks fused, or why not. */
  unetPreparation: PreparationReport;
  vaeDecoder: Graph;
  vaeEncoder?: Graph;
  /** Present when LoRAs / embeddings were merged into this copy of the model. */
  adapters?: AdapterReport;
  release(): Promise<void>;
}

const HIDDEN_STATE = /^hidden_states[._](\d+)$/;
/**
 * Between these sizes (graph and external weights) a UNet's batch is split over two sessions by
 * default (SessionOptions.splitUnetRows). Above, the partner's second copy costs too much memory;
 * below, a call is shorter than handing half of it to another thread (sd15-random's 0.15 MB UNet:
 * 2.5 ms split, 0.5 ms whole). easel-tiny (21 MB), 20 steps with CFG through DiffusionEngine, one
 * engine at a time: 128² 240 → 187–207 ms an image, 256² 650 → 470 ms (bench/pipeline/run.mjs --split 0|1).
 */
const SPLIT_UNET_BYTES = { min: 8 << 20, max: 1 << 30 };

/** Reads a diffusers/optimum ONNX Stable Diffusion directory; nothing is specific to one model. */
export async function loadDiffusionModel(dirIn: string, options: SessionOptions = {}, adapters?: AdapterSpec): Promise<DiffusionModel> {
  const dir = resolve(dirIn);
  const index = (await readJsonIfExists<ModelIndex>(join(dir, 'model_index.json'))) ?? {};
  const unetConfig = await readJsonIfExists<UnetConfig>(join(dir, 'unet', 'config.json'));
  const family = familyOf(index, unetConfig?.cross_attention_dim);
  if (family === 'flux' || family === 'sd3') throw new UnsupportedFeatureError('model_id', `A ${family} model has no UNet; it runs on its own pipeline.`);
  // the SDXL refiner ships text_encoder_2 / tokenizer_2 only: they take the first encoder's place
  const firstText = family === 'sdxl-refiner' ? '_2' : '';
  const tokenizerDirs = family === 'sdxl' ? ['tokenizer', 'tokenizer_2'] : [`tokenizer${firstText}`];
  const paths = {
    text: join(dir, `text_encoder${firstText}`, 'model.onnx'),
    text2: family === 'sdxl' ? join(dir, 'text_encoder_2', 'model.onnx') : undefined,
    unet: join(dir, 'unet', 'model.onnx'),
    dec: join(dir, 'vae_decoder', 'model.onnx'),
    enc: join(dir, 'vae_encoder', 'model.onnx'),
  };
  const sizes = {
    text: await requireFile(paths.text, 'its text encoder'),
    text2: paths.text2 ? await requireFile(paths.text2, 'its second text encoder') : 0,
    unet: await requireFile(paths.unet, 'its UNet'),
    dec: await requireFile(paths.dec, 'its VAE decoder'),
    enc: await fileSize(paths.enc),
  };
  for (const t of tokenizerDirs) {
    await requireFile(join(dir, t, 'vocab.json'), 'its tokenizer vocabulary');
    await requireFile(join(dir, t, 'merges.txt'), 'its tokenizer merges');
  }
  const schedulerConfig = (await readJsonIfExists<SchedulerConfig>(join(dir, 'scheduler', 'scheduler_config.json'))) ?? {};
  const vaeConfig =
    (await readJsonIfExists<VaeConfig>(join(dir, 'vae_decoder', 'config.json'))) ??
    (await readJsonIfExists<VaeConfig>(join(dir, 'vae_encoder', 'config.json'))) ??
    (await readJsonIfExists<VaeConfig>(join(dir, 'vae', 'config.json')));

  const [tokenizer, tokenizer2] = await Promise.all(tokenizerDirs.map((t) => loadTokenizer(join(dir, t))));

  const textEncoders: TextEncoderFile[] = [{ name: family === 'sdxl-refiner' ? 'text_encoder_2' : 'text_encoder', path: paths.text, tokenizer: tokenizer! }];
  if (paths.text2 && tokenizer2) textEncoders.push({ name: 'text_encoder_2', path: paths.text2, tokenizer: tokenizer2 });
  const adapted = hasAdapters(adapters) ? await adaptGraphs({ textEncoders, unet: paths.unet }, adapters) : undefined;

  const graphs: Graph[] = [];
  const release = async (): Promise<void> => {
    await Promise.all(graphs.map((g) => g.release().catch(() => undefined)));
  };
  try {
    const textEncoder = await createGraph('text_encoder', paths.text, sizes.text, options, adapted?.textEncoders.get(textEncoders[0].name));
    graphs.push(textEncoder);
    const textEncoder2 = paths.text2 ? await createGraph('text_encoder_2', paths.text2, sizes.text2, options, adapted?.textEncoders.get('text_encoder_2')) : undefined;
    if (textEncoder2) graphs.push(textEncoder2);
    const unetBytes = await folderBytes(dirname(paths.unet));
    const splitRows = (options.splitUnetRows ?? true) && unetBytes >= SPLIT_UNET_BYTES.min && unetBytes <= SPLIT_UNET_BYTES.max;
    const prepared = await prepareGraph(paths.unet, adapted?.unet ?? paths.unet, options);
    const unet = await createGraph('unet', paths.unet, sizes.unet, { ...options, splitRows }, prepared.source);
    graphs.push(unet);
    const vaeDecoder = await createGraph('vae_decoder', paths.dec, sizes.dec, options);
    graphs.push(vaeDecoder);
    const vaeEncoder = sizes.enc !== undefined ? await createGraph('vae_encoder', paths.enc, sizes.enc, options) : undefined;
    if (vaeEncoder) graphs.push(vaeEncoder);

    textEncoder.requireInputs(['input_ids']);
    const isXl = family === 'sdxl' || family === 'sdxl-refiner';
    unet.requireInputs(['sample', 'timestep', 'encoder_hidden_states', ...(isXl ? ['text_embeds', 'time_ids'] : [])]);
    textEncoder2?.requireInputs(['input_ids']);
    vaeDecoder.requireInputs(['latent_sample']);
    vaeEncoder?.requireInputs(['sample']);
    for (const [g, input] of [
      [unet, 'sample'],
      [unet, 'encoder_hidden_states'],
      [vaeDecoder, 'latent_sample'],
    ] as const) {
      const t = g.input(input).type;
      if (t !== 'float32') throw new UnsupportedFeatureError('model_id', `The ${g.name} input "${input}" is ${t}; only float32 graphs are supported.`);
    }
    const idsType = textEncoder.input('input_ids').type;
    if (idsType !== 'int32' && idsType !== 'int64') throw new GraphMismatchError('text_encoder', 'input_ids', `The text encoder's input_ids are ${idsType}; expected int32 or int64.`);
    const tsMeta = unet.input('timestep');
    if (tsMeta.type !== 'int64' && tsMeta.type !== 'float32') {
      throw new UnsupportedFeatureError('model_id', `The UNet timestep input is ${tsMeta.type}; only int64 and float32 are supported.`);
    }

    const sampleShape = unet.input('sample').shape;
    const outMeta = unet.outputs.get('out_sample') ?? unet.outputs.get(unet.outputNames[0]);
    const latentChannels = dim(outMeta?.shape, 1) ?? unetConfig?.out_channels ?? vaeConfig?.latent_channels ?? dim(vaeDecoder.input('latent_sample').shape, 1) ?? 4;
    const unetInChannels = dim(sampleShape, 1) ?? unetConfig?.in_channels ?? latentChannels;
    if (unetInChannels !== latentChannels && unetInChannels !== 2 * latentChannels + 1) {
      throw new GraphMismatchError('unet', 'sample', `The UNet takes ${unetInChannels} channels; expected ${latentChannels} (text-to-image) or ${2 * latentChannels + 1} (inpainting).`);
    }
    const lastOut = textEncoder.outputs.get('last_hidden_state') ?? textEncoder.outputs.get(textEncoder.outputNames[0]);
    const textWidth = isXl ? dim(unet.input('encoder_hidden_states').shape, 2) : (dim(lastOut?.shape, 2) ?? dim(unet.input('encoder_hidden_states').shape, 2));
    if (!textWidth) throw new GraphMismatchError('text_encoder', 'last_hidden_state', 'Cannot tell the text encoder width from its graph.');
    const hiddenStateOutputs = textEncoder.outputNames
      .filter((n) => HIDDEN_STATE.test(n))
      .sort((a, b) => Number(HIDDEN_STATE.exec(a)![1]) - Number(HIDDEN_STATE.exec(b)![1]));

    const vaeScaleFactor = vaeFactorFromConfig(vaeConfig) ?? (await probeVaeFactor(vaeDecoder, latentChannels));
    const info: ModelInfo = {
      dir,
      family: family === 'sd1' && textWidth === 1024 ? 'sd2' : family,
      forceZerosForEmptyPrompt: index.force_zeros_for_empty_prompt === true,
      timeIds: isXl ? (dim(unet.input('time_ids').shape, 1) ?? (family === 'sdxl-refiner' ? 5 : 6)) : 0,
      latentChannels,
      unetInChannels,
      isInpaintUnet: unetInChannels !== latentChannels,
      vaeScaleFactor,
      scalingFactor: vaeConfig?.scaling_factor ?? 0.18215,
      predictionType: predictionTypeOf(schedulerConfig.prediction_type, unetConfig?.prediction_type),
      timestepType: tsMeta.type,
      timestepIsScalarBatch: dim(tsMeta.shape, 0) === 1,
      textWidth,
      sequenceLength: dim(textEncoder.input('input_ids').shape, 1) ?? tokenizer.maxLength,
      hiddenStateOutputs,
      hasVaeEncoder: vaeEncoder !== undefined,
      nativeSize: nativeSizeOf(dim(sampleShape, 2) ?? unetConfig?.sample_size, vaeScaleFactor, vaeConfig?.sample_size),
      schedulerConfig: { ...schedulerConfig, prediction_type: predictionTypeOf(schedulerConfig.prediction_type, unetConfig?.prediction_type) },
      bytes: sizes.text + sizes.text2 + sizes.unet * (unet.partner ? 2 : 1) + sizes.dec + (sizes.enc ?? 0),
    };
    return { info, tokenizer: tokenizer!, textEncoder, textEncoder2, tokenizer2, unet, unetPreparation: prepared.report, vaeDecoder, vaeEncoder, adapters: adapted?.report, release };
  } catch (err) {
    await release();
    throw err;
  }
}

async function loadTokenizer(dir: string): Promise<ClipTokenizer> {
  try {
    return await ClipTokenizer.fromDirectory(dir);
  } catch (err) {
    throw new ModelFileError('model_file_corrupt', dir, `Cannot load the tokenizer: ${(err as Error).message}`, err);
  }
}

/** No VAE config: decode a tiny latent and compare sizes (output side / input side). */
async function probeVaeFactor(decoder: Graph, channels: number): Promise<number> {
  const side = 4;
  const out = await decoder.run({ latent_sample: new ort.Tensor('float32', new Float32Array(channels * side * side), [1, channels, side, side]) });
  const t = out[decoder.outputNames[0]];
  const h = Number(t.dims[2]);
  return Math.max(1, Math.round(h / side));
}

function nativeSizeOf(latentSide: number | undefined, factor: number, vaeSampleSize: number | undefined): number {
  if (latentSide) return latentSide * factor;
  return vaeSampleSize && vaeSampleSize > 0 ? vaeSampleSize : 512;
}
