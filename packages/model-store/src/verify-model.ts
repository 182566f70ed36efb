import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { AdapterFileError, readEmbeddingVectors, readLoraModules, readModelFamily, SafetensorsFile, type ModelFamily } from '@easel/engine-diffusion/dist/adapter-files';
import { ModelLoadError } from './archive';

/** Files every diffusers/optimum ONNX Stable Diffusion 1.x/2.x directory has (DESIGN.md, "Models"). */
export const REQUIRED_MODEL_FILES = ['model_index.json', 'text_encoder/model.onnx', 'unet/model.onnx', 'vae_decoder/model.onnx', 'tokenizer/vocab.json', 'tokenizer/merges.txt'];

const CLIP_2 = ['text_encoder_2/model.onnx', 'tokenizer_2/vocab.json', 'tokenizer_2/merges.txt'];

/** The files a model of each family's ONNX export must have, beside model_index.json. */
export function requiredModelFiles(family: ModelFamily): string[] {
  switch (family) {
    case 'sdxl':
      return [...REQUIRED_MODEL_FILES, ...CLIP_2];
    case 'sdxl-refiner':
      return ['model_index.json', 'unet/model.onnx', 'vae_decoder/model.onnx', ...CLIP_2];
    case 'flux':
      return ['model_index.json', 'text_encoder/model.onnx', 'text_encoder_2/model.onnx', 'transformer/model.onnx', 'vae_decoder/model.onnx', 'tokenizer/vocab.json', 'tokenizer/merges.txt', 'tokenizer_2/tokenizer.json'];
    default:
      return REQUIRED_MODEL_FILES;
  }
}

async function isFile(path: string): Promise<boolean> {
  return (await stat(path).catch(() => null))?.isFile() ?? false;
}

/**
 * The model's root inside an unpacked archive: the directory itself, or its only
 * sub-directory (archives usually wrap the files in one folder). Throws naming what is missing.
 */
export async function findModelRoot(dir: string): Promise<string> {
  if (await isFile(join(dir, 'model_index.json'))) return checkLayout(dir);
  const entries = (await readdir(dir, { withFileTypes: true })).filter((e) => !e.name.startsWith('.') && e.name !== '__MACOSX');
  if (entries.length === 1 && entries[0].isDirectory()) return checkLayout(join(dir, entries[0].name));
  return checkLayout(dir);
}

async function checkLayout(root: string): Promise<string> {
  const missing: string[] = [];
  const family = await readModelFamily(root);
  if (family === 'sd3') throw new ModelLoadError('Stable Diffusion 3 models are recognised but not supported by this engine yet');
  for (const f of requiredModelFiles(family)) if (!(await isFile(join(root, f)))) missing.push(f);
  if (missing.length > 0) throw new ModelLoadError(`the archive is not a diffusers ONNX model directory: missing ${missing.join(', ')} (for a ${family} model)`);
  try {
    JSON.parse(await readFile(join(root, 'model_index.json'), 'utf8'));
  } catch (err) {
    throw new ModelLoadError(`model_index.json is not valid JSON: ${(err as Error).message}`);
  }
  return root;
}

/** A LoRA upload: a safetensors file with at least one LoRA module in a known key format. */
export function verifyLora(bytes: Buffer): { modules: number; unrecognised: number } {
  try {
    const { modules, unrecognised } = readLoraModules(SafetensorsFile.parse(bytes, 'the LoRA file'));
    if (modules.length === 0) throw new ModelLoadError(`the LoRA file has no LoRA weights in a known key format (kohya lora_unet_/lora_te_, diffusers/PEFT unet./text_encoder. lora_A/lora_B); its keys start: ${unrecognised.slice(0, 3).join(', ')}`);
    return { modules: modules.length, unrecognised: unrecognised.length };
  } catch (err) {
    if (err instanceof AdapterFileError) throw new ModelLoadError(err.message);
    throw err;
  }
}

/** A textual-inversion upload: a safetensors file with one embedding (`emb_params`, `string_to_param.*`, or one tensor). */
export function verifyEmbedding(bytes: Buffer): { vectors: number; width: number } {
  try {
    const { count, width } = readEmbeddingVectors(SafetensorsFile.parse(bytes, 'the embedding file', 'embeddings_model'));
    return { vectors: count, width };
  } catch (err) {
    if (err instanceof AdapterFileError) throw new ModelLoadError(err.message);
    throw err;
  }
}
