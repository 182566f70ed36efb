import { createReadStream } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { Parser, type ReadEntry } from 'tar';
import { entryPath, writeEntry } from './archive-entry';
import { ModelLoadError } from './model-load-error';
import type { UnpackBudget } from './unpack-budget';

const FILE_TYPES = new Set(['File', 'OldFile', 'ContiguousFile']);

/**
 * Unpacks a tar (gzipped or not) read as a stream from `file`: regular files and
 * directories only, one entry written at a time. The first refusal stops the reading.
 */
export async function unpackTar(file: string, dest: string, budget: UnpackBudget): Promise<void> {
  const source = createReadStream(file);
  const parser = new Parser({ strict: true });
  let failure: Error | undefined;
  let writing = Promise.resolve();
  const stop = (err: unknown) => {
    failure ??= err as Error;
    source.destroy(failure);
  };
  parser.on('entry', (entry: ReadEntry) => {
    try {
      const path = failure || entry.type === 'Directory' ? null : acceptedPath(entry);
      if (!path) return entry.resume();
      budget.startFile(entry.size);
      writing = writing.then(() => writeEntry(entry, dest, path, budget)).catch(stop);
    } catch (err) {
      entry.resume();
      stop(err);
    }
  });
  const reading = pipeline(source, parser).catch((err: Error) => err);
  const readError = await reading;
  await writing;
  if (failure)
    throw failure instanceof ModelLoadError
      ? failure
      : new ModelLoadError(`the tar archive is corrupt: ${failure.message}`);
  if (readError) throw new ModelLoadError(`the tar archive is corrupt: ${readError.message}`);
  if (budget.fileCount === 0) throw new ModelLoadError('the archive holds no files');
}

function acceptedPath(entry: ReadEntry): string | null {
  if (!FILE_TYPES.has(entry.type)) {
    throw new ModelLoadError(
      `the archive entry "${entry.path.slice(0, 200)}" is a ${entry.type}; only files and directories are accepted`,
    );
  }
  return entryPath(entry.path);
}
