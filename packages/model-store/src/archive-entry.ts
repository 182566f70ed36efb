import { createWriteStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { dirname, isAbsolute, join, normalize, sep } from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { ModelLoadError } from './model-load-error';
import type { UnpackBudget } from './unpack-budget';

/** A relative path that stays inside the destination (null for a directory entry), or an error naming the entry. */
export function entryPath(name: string): string | null {
  const clean = normalize(name.replace(/\\/g, '/')).replace(/^(\.\/)+/, '');
  if (clean === '' || clean === '.' || clean.endsWith('/')) return null;
  if (isAbsolute(clean) || clean.split(/[\\/]/).includes('..') || /^[A-Za-z]:/.test(clean)) {
    throw new ModelLoadError(`the archive entry "${name.slice(0, 200)}" points outside the model directory`);
  }
  return clean.split('/').join(sep);
}

/** Streams one entry's content to `dest/path`, charging every byte to the budget as it arrives. */
export async function writeEntry(
  content: AsyncIterable<Buffer> | NodeJS.ReadableStream,
  dest: string,
  path: string,
  budget: UnpackBudget,
): Promise<void> {
  const target = join(dest, path);
  await mkdir(dirname(target), { recursive: true });
  const charge = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      try {
        budget.addBytes(chunk.length);
        done(null, chunk);
      } catch (err) {
        done(err as Error);
      }
    },
  });
  await pipeline(content, charge, createWriteStream(target));
}
