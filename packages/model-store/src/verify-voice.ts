import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { ModelLoadError } from './archive';

async function isFile(path: string): Promise<boolean> {
  return (await stat(path).catch(() => null))?.isFile() ?? false;
}

/** Files of a voice-cloning model's folder (@easel/engine-voice's loadVoiceCloner). */
export const VOICE_CLONER_FILES = ['config.json', 'speaker_encoder/model.onnx', 'converter/model.onnx'];

async function readJson(path: string, what: string): Promise<Record<string, unknown>> {
  try {
    const value: unknown = JSON.parse(await readFile(path, 'utf8'));
    if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error('not a JSON object');
    return value as Record<string, unknown>;
  } catch (err) {
    throw new ModelLoadError(`${what} is not valid JSON: ${(err as Error).message}`);
  }
}

/**
 * A voice upload, unpacked: a Piper voice (`<name>.onnx` beside its `<name>.onnx.json`, whose
 * `phoneme_id_map` the engine reads) or a voice-cloning model; either may sit in one wrapping
 * folder, whose path is the model's location (a folder syncs whole to a worker's cache). Throws
 * naming what is missing.
 */
export async function findVoiceModel(dir: string): Promise<string> {
  const entries = (await readdir(dir, { withFileTypes: true })).filter((e) => !e.name.startsWith('.') && e.name !== '__MACOSX');
  const root = entries.length === 1 && entries[0].isDirectory() ? join(dir, entries[0].name) : dir;
  if (await isFile(join(root, 'config.json'))) {
    const missing = [];
    for (const f of VOICE_CLONER_FILES) if (!(await isFile(join(root, f)))) missing.push(f);
    if (missing.length > 0) throw new ModelLoadError(`the archive is not a voice-cloning model: missing ${missing.join(', ')}`);
    await readJson(join(root, 'config.json'), 'config.json');
    return root;
  }
  const graphs = (await readdir(root)).filter((name) => name.endsWith('.onnx'));
  const voices = [];
  for (const graph of graphs) if (await isFile(join(root, `${graph}.json`))) voices.push(graph);
  if (voices.length !== 1)
    throw new ModelLoadError(
      voices.length === 0
        ? 'the archive is not a voice: a Piper voice is <name>.onnx with its <name>.onnx.json; a cloning model has config.json, speaker_encoder/ and converter/'
        : `the archive holds ${voices.length} Piper voices (${voices.join(', ')}): load one voice per model`,
    );
  const config = await readJson(join(root, `${voices[0]}.json`), `${voices[0]}.json`);
  if (typeof config.phoneme_id_map !== 'object' || config.phoneme_id_map === null)
    throw new ModelLoadError(`${voices[0]}.json has no phoneme_id_map: it is not a Piper voice's config`);
  return root;
}
