import { readFile, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { ModelFileError } from '../errors';

export async function fileSize(path: string): Promise<number | undefined> {
  try {
    const s = await stat(path);
    return s.isFile() ? s.size : undefined;
  } catch {
    return undefined;
  }
}

/** The bytes of the files directly in `dir` (a graph and its external weights); 0 when unreadable. */
export async function folderBytes(dir: string): Promise<number> {
  const names = await readdir(dir).catch(() => [] as string[]);
  const sizes = await Promise.all(names.map((n) => fileSize(join(dir, n))));
  return sizes.reduce<number>((sum, s) => sum + (s ?? 0), 0);
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
