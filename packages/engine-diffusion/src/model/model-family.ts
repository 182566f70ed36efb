import { readFile } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * The model families the engine runs: Stable Diffusion 1.x and 2.x (one text encoder; 2.x is the
 * 1024-wide OpenCLIP one, usually v-prediction), SDXL base and refiner (two / one CLIP encoders,
 * pooled embedding and time ids), FLUX.1 (CLIP + T5, a flow-matching transformer). SD3 is
 * recognised so that it can be refused by name.
 */
export type ModelFamily = 'sd1' | 'sd2' | 'sdxl' | 'sdxl-refiner' | 'flux' | 'sd3';

export const MODEL_FAMILIES: readonly ModelFamily[] = ['sd1', 'sd2', 'sdxl', 'sdxl-refiner', 'flux', 'sd3'];

/** The `model_index.json` keys (diffusers) that tell the families apart. */
export interface ModelIndex {
  _class_name?: string;
  requires_aesthetics_score?: boolean;
  text_encoder?: unknown;
  text_encoder_2?: unknown;
  text_encoder_3?: unknown;
  transformer?: unknown;
  [key: string]: unknown;
}

const isComponent = (entry: unknown): boolean => Array.isArray(entry) && entry.some((v) => v !== null);

/** The family from model_index.json (and, to tell SD 2.x from 1.x, the UNet's cross-attention width). */
export function familyOf(index: ModelIndex, crossAttentionDim?: number): ModelFamily {
  const cls = index._class_name ?? '';
  if (/Flux/i.test(cls)) return 'flux';
  if (/StableDiffusion3/i.test(cls) || isComponent(index.text_encoder_3)) return 'sd3';
  if (/XL/.test(cls) || isComponent(index.text_encoder_2)) {
    return index.requires_aesthetics_score === true || (index.text_encoder !== undefined && !isComponent(index.text_encoder)) ? 'sdxl-refiner' : 'sdxl';
  }
  if (isComponent(index.transformer)) return 'flux';
  return crossAttentionDim === 1024 ? 'sd2' : 'sd1';
}

async function readJson(path: string): Promise<Record<string, unknown> | undefined> {
  try {
    return JSON.parse(await readFile(path, 'utf8')) as Record<string, unknown>;
  } catch {
    return undefined;
  }
}

/** The family of a model directory; a directory without a readable model_index.json is taken as SD 1.x. */
export async function readModelFamily(dir: string): Promise<ModelFamily> {
  const index = (await readJson(join(dir, 'model_index.json'))) ?? {};
  const unet = await readJson(join(dir, 'unet', 'config.json'));
  const dim = unet?.cross_attention_dim;
  return familyOf(index as ModelIndex, typeof dim === 'number' ? dim : undefined);
}
