import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, isAbsolute, join, normalize, sep } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { unzipSync } from 'fflate';
import { Parser, type ReadEntry } from 'tar';

/** An upload that cannot become a model: `message` says why, for model_list and the logs. */
export class ModelLoadError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ModelLoadError';
  }
}

export interface UnpackLimits {
  /** Total bytes the unpacked files may take. */
  maxBytes: number;
  maxFiles: number;
}

/** A relative path that stays inside the destination, or an error naming the entry. */
function safeRelative(name: string): string | null {
  const clean = normalize(name.replace(/\\/g, '/')).replace(/^(\.\/)+/, '');
  if (clean === '' || clean === '.' || clean.endsWith('/')) return null; // a directory entry
  if (isAbsolute(clean) || clean.split(/[\\/]/).includes('..') || /^[A-Za-z]:/.test(clean)) {
    throw new ModelLoadError(`the archive entry "${name.slice(0, 200)}" points outside the model directory`);
  }
  return clean.split('/').join(sep);
}

/** Kind of archive by its first bytes: zip (PK\3\4), gzip (1f 8b), else a plain tar (ustar at 257). */
export function archiveKind(head: Uint8Array): 'zip' | 'tar.gz' | 'tar' | null {
  if (head[0] === 0x50 && head[1] === 0x4b && head[2] === 0x03 && head[3] === 0x04) return 'zip';
  if (head[0] === 0x1f && head[1] === 0x8b) return 'tar.gz';
  if (head.length > 262 && Buffer.from(head.subarray(257, 262)).toString('latin1') === 'ustar') return 'tar';
  return null;
}

/**
 * Unpacks a zip or (gzipped) tar into `dest`: regular files and directories only (links,
 * devices refused), no entry outside `dest`, total size and file count capped — from the
 * entries' declared sizes before inflating (zip) or as they stream (tar), so a bomb stops early.
 */
export async function unpackArchive(bytes: Buffer, dest: string, limits: UnpackLimits): Promise<number> {
  const kind = archiveKind(bytes);
  if (!kind) throw new ModelLoadError('the download is not a zip or tar archive');
  return kind === 'zip' ? unpackZip(bytes, dest, limits) : unpackTar(bytes, dest, limits);
}

async function unpackZip(bytes: Buffer, dest: string, limits: UnpackLimits): Promise<number> {
  let declared = 0;
  let count = 0;
  let files: Record<string, Uint8Array>;
  try {
    files = unzipSync(bytes, {
      filter: (f) => {
        if (f.name.endsWith('/')) return false;
        declared += f.originalSize;
        count++;
        if (declared > limits.maxBytes) throw new ModelLoadError(`the archive unpacks to more than ${limits.maxBytes} bytes`);
        if (count > limits.maxFiles) throw new ModelLoadError(`the archive holds more than ${limits.maxFiles} files`);
        return true;
      },
    });
  } catch (err) {
    if (err instanceof ModelLoadError) throw err;
    throw new ModelLoadError(`the zip archive is corrupt: ${(err as Error).message}`);
  }
  let total = 0;
  for (const [name, data] of Object.entries(files)) {
    const rel = safeRelative(name);
    if (!rel) continue;
    total += data.length;
    if (total > limits.maxBytes) throw new ModelLoadError(`the archive unpacks to more than ${limits.maxBytes} bytes`);
    await mkdir(dirname(join(dest, rel)), { recursive: true });
    await writeFile(join(dest, rel), data);
  }
  return total;
}

async function unpackTar(bytes: Buffer, dest: string, limits: UnpackLimits): Promise<number> {
  let total = 0;
  let count = 0;
  const writes: Promise<void>[] = [];
  let failure: Error | undefined;
  const parser = new Parser({ strict: true });
  parser.on('entry', (entry: ReadEntry) => {
    try {
      if (failure) return entry.resume();
      if (entry.type === 'Directory') return entry.resume();
      if (entry.type !== 'File' && entry.type !== 'OldFile' && entry.type !== 'ContiguousFile') {
        throw new ModelLoadError(`the archive entry "${entry.path.slice(0, 200)}" is a ${entry.type}; only files and directories are accepted`);
      }
      const rel = safeRelative(entry.path);
      if (!rel) return entry.resume();
      total += entry.size;
      count++;
      if (total > limits.maxBytes) throw new ModelLoadError(`the archive unpacks to more than ${limits.maxBytes} bytes`);
      if (count > limits.maxFiles) throw new ModelLoadError(`the archive holds more than ${limits.maxFiles} files`);
      const chunks: Buffer[] = [];
      entry.on('data', (c: Buffer) => chunks.push(c));
      writes.push(
        new Promise<void>((resolve, reject) => {
          entry.on('end', () => {
            const target = join(dest, rel);
            mkdir(dirname(target), { recursive: true })
              .then(() => writeFile(target, Buffer.concat(chunks)))
              .then(resolve, reject);
          });
          entry.on('error', reject);
        }),
      );
    } catch (err) {
      failure = err as Error;
      entry.resume();
    }
  });
  try {
    await pipeline(Readable.from([bytes]), parser);
  } catch (err) {
    throw new ModelLoadError(`the tar archive is corrupt: ${(err as Error).message}`);
  }
  if (failure) throw failure;
  await Promise.all(writes);
  if (count === 0) throw new ModelLoadError('the archive holds no files');
  return total;
}
