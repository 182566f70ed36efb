import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, readdir, readFile, rename, rm, stat, statfs, writeFile } from 'node:fs/promises';
import { dirname, join, relative, sep } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { randomUUID } from 'node:crypto';
import {
  ArtifactNotFoundError,
  assertValidKey,
  type ArtifactInfo,
  type ArtifactStore,
  type PutOptions,
  type StoreHealth,
} from './artifact-store';

const META_SUFFIX = '.meta.json';
/** What the local store keeps free by default (EASEL_ARTIFACT_MIN_FREE_BYTES). */
export const DEFAULT_MIN_FREE_BYTES = 64 * 1024 * 1024;

/**
 * Artifacts as files under a root folder, with a small sidecar holding the content type.
 * Writes go to a temporary file renamed into place, so a reader never sees half a file.
 */
export class LocalArtifactStore implements ArtifactStore {
  /**
   * `minFreeBytes`: below this much free space the store reports itself not writable (/readyz
   * answers 503) before a write would fail half-way.
   */
  constructor(
    private readonly root: string,
    private readonly minFreeBytes = DEFAULT_MIN_FREE_BYTES,
  ) {}

  async health(): Promise<StoreHealth> {
    await mkdir(this.root, { recursive: true });
    const fs = await statfs(this.root);
    const freeBytes = fs.bavail * fs.bsize;
    if (freeBytes < this.minFreeBytes) {
      return {
        writable: false,
        freeBytes,
        reason: `the artifact store ${this.root} has ${freeBytes} bytes free, under the ${this.minFreeBytes} it keeps in reserve`,
      };
    }
    return { writable: true, freeBytes };
  }

  async put(key: string, body: Buffer | Readable, options: PutOptions): Promise<ArtifactInfo> {
    const path = this.pathOf(key);
    await mkdir(dirname(path), { recursive: true });
    const temp = `${path}.${randomUUID()}.tmp`;
    try {
      await pipeline(Buffer.isBuffer(body) ? Readable.from([body]) : body, createWriteStream(temp));
      await writeFile(`${path}${META_SUFFIX}`, JSON.stringify({ contentType: options.contentType }));
      await rename(temp, path);
    } catch (error) {
      await rm(temp, { force: true });
      throw error;
    }
    const { size } = await stat(path);
    return { key, size, contentType: options.contentType };
  }

  async get(key: string): Promise<{ info: ArtifactInfo; body: Readable }> {
    const info = await this.head(key);
    if (!info) throw new ArtifactNotFoundError(key);
    return { info, body: createReadStream(this.pathOf(key)) };
  }

  async getBuffer(key: string): Promise<Buffer> {
    try {
      return await readFile(this.pathOf(key));
    } catch (error) {
      if (isNotFound(error)) throw new ArtifactNotFoundError(key);
      throw error;
    }
  }

  async head(key: string): Promise<ArtifactInfo | null> {
    const path = this.pathOf(key);
    try {
      const [{ size }, meta] = await Promise.all([stat(path), readFile(`${path}${META_SUFFIX}`, 'utf8')]);
      return { key, size, contentType: (JSON.parse(meta) as { contentType: string }).contentType };
    } catch (error) {
      if (isNotFound(error)) return null;
      throw error;
    }
  }

  async delete(key: string): Promise<void> {
    const path = this.pathOf(key);
    await rm(path, { force: true });
    await rm(`${path}${META_SUFFIX}`, { force: true });
  }

  async list(prefix: string): Promise<string[]> {
    const keys: string[] = [];
    await this.walk(this.root, keys);
    return keys.filter((key) => key.startsWith(prefix)).sort();
  }

  async presignedGetUrl(): Promise<string | null> {
    return null;
  }

  private async walk(dir: string, keys: string[]): Promise<void> {
    let entries;
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch (error) {
      if (isNotFound(error)) return;
      throw error;
    }
    for (const entry of entries) {
      const full = join(dir, entry.name);
      if (entry.isDirectory()) await this.walk(full, keys);
      else if (!entry.name.endsWith(META_SUFFIX) && !entry.name.endsWith('.tmp')) {
        keys.push(relative(this.root, full).split(sep).join('/'));
      }
    }
  }

  private pathOf(key: string): string {
    assertValidKey(key);
    return join(this.root, ...key.split('/'));
  }
}

function isNotFound(error: unknown): boolean {
  return (error as NodeJS.ErrnoException)?.code === 'ENOENT';
}
