import { open, rm } from 'node:fs/promises';
import { ModelLoadError } from './model-load-error';
import { UnpackBudget, type UnpackLimits } from './unpack-budget';
import { unpackTar } from './unpack-tar';
import { unpackZip } from './unpack-zip';

export { ModelLoadError } from './model-load-error';
export type { UnpackLimits } from './unpack-budget';

/** Kind of archive by its first bytes: zip (PK\3\4), gzip (1f 8b), else a plain tar (ustar at 257). */
export function archiveKind(head: Uint8Array): 'zip' | 'tar.gz' | 'tar' | null {
  if (head[0] === 0x50 && head[1] === 0x4b && head[2] === 0x03 && head[3] === 0x04) return 'zip';
  if (head[0] === 0x1f && head[1] === 0x8b) return 'tar.gz';
  if (head.length > 262 && Buffer.from(head.subarray(257, 262)).toString('latin1') === 'ustar') return 'tar';
  return null;
}

async function headOf(file: string): Promise<Buffer> {
  const handle = await open(file);
  try {
    const head = Buffer.alloc(512);
    const { bytesRead } = await handle.read(head, 0, head.length, 0);
    return head.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}

/**
 * Unpacks the zip or (gzipped) tar in `file` into `dest`, streaming: regular files and
 * directories only (links, devices refused), no entry outside `dest`, total size and file count
 * capped by the bytes actually unpacked, so a bomb stops early whatever its headers say.
 * On failure `dest` is removed with whatever was written. Returns the bytes unpacked.
 */
export async function unpackArchive(file: string, dest: string, limits: UnpackLimits): Promise<number> {
  const kind = archiveKind(await headOf(file));
  if (!kind) throw new ModelLoadError('the download is not a zip or tar archive');
  const budget = new UnpackBudget(limits);
  try {
    await (kind === 'zip' ? unpackZip(file, dest, budget) : unpackTar(file, dest, budget));
  } catch (err) {
    await rm(dest, { recursive: true, force: true });
    throw err;
  }
  return budget.byteCount;
}
