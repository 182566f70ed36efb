import * as ort from 'onnxruntime-node';
import type { MeshModel } from './mesh-model';

/** Condition tokens for the prior: [tokens, width] row-major. */
export interface Condition {
  tokens: number;
  data: Float32Array;
}

/**
 * The text encoder's hidden states from the start token through the first end-of-text token:
 * the encoder is causal, so these are exactly the states of the full 77-token call, and the
 * prior reads the prompt alone (as in training), not the padding after it.
 */
export async function encodeText(model: MeshModel, text: string): Promise<Condition> {
  const { tokenizer, textEncoder } = model;
  const ids = tokenizer.tokenize(text);
  let length = ids.indexOf(tokenizer.eosTokenId) + 1;
  if (length <= 0) length = ids.length;
  const out = await textEncoder.run({ input_ids: new ort.Tensor('int32', ids, [1, ids.length]) }, ['last_hidden_state']);
  const states = out.last_hidden_state;
  const width = Number(states.dims[2]);
  return { tokens: length, data: (states.data as Float32Array).slice(0, length * width) };
}

/** The image encoder's tokens for framed pixels ([3, size, size] in [-1, 1]). */
export async function encodeImage(model: MeshModel, pixels: Float32Array): Promise<Condition> {
  const enc = model.imageEncoder;
  if (!enc) throw new Error(`The 3D model ${model.dir} has no image_encoder: it cannot take an image.`);
  const size = model.config.image_size;
  const out = await enc.run({ pixel_values: new ort.Tensor('float32', pixels, [1, 3, size, size]) }, ['image_embeds']);
  const embeds = out.image_embeds;
  return { tokens: Number(embeds.dims[1]), data: embeds.data as Float32Array };
}

/** The blank view (background only): image_to_3d's unconditional baseline, as in training. */
export function blankPixels(model: MeshModel): Float32Array {
  const { image_size: size, image_background: grey } = model.config;
  return new Float32Array(3 * size * size).fill(grey * 2 - 1);
}
