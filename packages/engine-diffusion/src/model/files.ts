import { readFile, stat } from 'node:fs/promises';
import { ModelFileError } from '../errors';

export async function fileSize(path: string): Promise<number | undefined> {
  try {
    const s = await stat(path);
    return s.isFile() ? s.size : undefined;
  } catch {
    return undefined;
  }
}

export async function requireFile(path: string, what: string): Promise<number> {
  const size = await fileSize(path);
  if (size === undefined) throw new ModelFileError('model_file_missing', path, `The model is missing ${what} (${path}).`);
  return size;
}

/** Parse a JSON config; `undefined` when absent, a typed error when unreadable or not JSON. */
export async function readJsonIfExists<T>(path: string): Promise<T | undefined> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new ModelFileError('model_file_corrupt', path, `Cannot read ${path}: ${(err as Error).message}`, err);
  }
  try {
    return JSON.parse(text) as T;
  } catch (err) {
    throw new ModelFileError('model_file_corrupt', path, `${path} is not valid JSON: ${(err as Error).message}`, err);
  }
}
