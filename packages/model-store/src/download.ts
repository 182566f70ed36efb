import { mkdir, readFile, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { safeFetchToFile } from '@easel/safe-fetch';
import { ModelLoadError, unpackArchive } from './archive';
import type { LoadModelRequest, ModelStoreOptions } from './model-store';
import { onnxGraphOutputs } from './onnx-graph-outputs';
import { verifyGguf } from './verify-gguf';
import { findModelRoot, verifyEmbedding, verifyLora } from './verify-model';
import { findVoiceModel } from './verify-voice';

export type DownloadLimits = Required<
  Pick<ModelStoreOptions, 'allowHosts' | 'maxDownloadBytes' | 'maxUnpackedBytes' | 'downloadTimeoutMs'>
>;

/**
 * Downloads a model to disk (SSRF rules, size cap, timeout), checks it and makes it the
 * contents of `dir`, which is emptied first. Returns the model's location: its root
 * directory, or its one file. The download itself never stays behind.
 */
export async function downloadModel(
  req: LoadModelRequest,
  dir: string,
  limits: DownloadLimits,
): Promise<string> {
  refuseUnloadableFormat(req);
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true });
  // Beside the model's directory, not in it (an archive entry could land on it), under a name no model id can have.
  const download = join(dirname(dir), `.${basename(dir)}.download`);
  try {
    await safeFetchToFile(req.url, download, {
      maxBytes: limits.maxDownloadBytes,
      allowHosts: limits.allowHosts,
      timeoutMs: limits.downloadTimeoutMs,
    });
    return await install(req, download, dir, limits);
  } finally {
    await rm(download, { force: true });
  }
}

function refuseUnloadableFormat(req: LoadModelRequest): void {
  if (req.format === 'ckpt')
    throw new ModelLoadError(
      'ckpt (pickle) files are not loaded: they can run code; upload safetensors or a diffusers ONNX archive',
    );
  if (req.category === 'stable_diffusion' && req.format === 'safetensors') {
    throw new ModelLoadError(
      'a single-file safetensors checkpoint cannot be converted here; upload a zip or tar of the diffusers ONNX export',
    );
  }
  if (req.category === 'face_restore' && req.format !== 'onnx')
    throw new ModelLoadError('a face_restore model is one ONNX graph file: send model_format onnx');
  if (req.category === 'voice' && req.format !== 'onnx')
    throw new ModelLoadError('a voice is a zip or tar of a Piper voice (<name>.onnx + <name>.onnx.json) or a cloning model\'s folder: send model_format onnx');
  if (req.category === 'llm' && req.format !== 'gguf')
    throw new ModelLoadError('a chat (llm) model is one GGUF file (llama.cpp): send model_format gguf');
  if (req.category !== 'llm' && req.format === 'gguf') throw new ModelLoadError('model_format gguf is for chat models: send model_category llm');
}

async function install(
  req: LoadModelRequest,
  download: string,
  dir: string,
  limits: DownloadLimits,
): Promise<string> {
  if (req.category === 'stable_diffusion') {
    await unpackArchive(download, dir, { maxBytes: limits.maxUnpackedBytes, maxFiles: 10_000 });
    return findModelRoot(dir);
  }
  if (req.category === 'face_restore') return installFaceRestoreGraph(download, dir);
  if (req.category === 'voice') {
    await unpackArchive(download, dir, { maxBytes: limits.maxUnpackedBytes, maxFiles: 100 });
    return findVoiceModel(dir);
  }
  if (req.category === 'llm') {
    const file = join(dir, 'model.gguf');
    await verifyGguf(download);
    await rename(download, file);
    return file;
  }
  // Adapter files are read whole to be checked, as the engine reads them; the download cap bounds them.
  const bytes = await readFile(download);
  if (req.category === 'lora') verifyLora(bytes);
  else verifyEmbedding(bytes);
  const file = join(dir, `${req.category === 'lora' ? 'lora' : 'embedding'}.safetensors`);
  await rename(download, file);
  return file;
}

/** A face_restore upload: one ONNX graph file (GFPGAN / CodeFormer style) with at least one output. */
async function installFaceRestoreGraph(download: string, dir: string): Promise<string> {
  const file = join(dir, 'face_restore.onnx');
  await rename(download, file);
  const outputs = await onnxGraphOutputs(file).catch((err: Error) => {
    throw new ModelLoadError(`the face_restore file is not an ONNX graph: ${err.message}`);
  });
  if (outputs.length === 0)
    throw new ModelLoadError('the face_restore file is not an ONNX graph: it has no outputs');
  return file;
}
