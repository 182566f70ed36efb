import type { Readable } from 'node:stream';

export interface ArtifactInfo {
  key: string;
  size: number;
  contentType: string;
}

export interface PutOptions {
  contentType: string;
}

export class ArtifactNotFoundError extends Error {
  constructor(readonly key: string) {
    super(`artifact not found: ${key}`);
    this.name = 'ArtifactNotFoundError';
  }
}

export class InvalidArtifactKeyError extends Error {
  constructor(readonly key: string) {
    super(`invalid artifact key: ${JSON.stringify(key)}`);
    this.name = 'InvalidArtifactKeyError';
  }
}

/**
 * Where generated images, videos, meshes and uploaded models live. Keys are
 * slash-separated relative paths (`<tenant>/<job>/0.png`). Two implementations pass the
 * same contract suite: the local filesystem (embedded mode) and S3/MinIO (distributed).
 */
/** Whether the store can take new files now; what /readyz reports. */
export interface StoreHealth {
  writable: boolean;
  /** Bytes free for new files, where the store knows (the local filesystem); null otherwise. */
  freeBytes: number | null;
  /** Why it is not writable. */
  reason?: string;
}

/** A put that failed because the store is full or refuses writes: running the job again will not help. */
export function isStoreFullError(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return (
    code === 'ENOSPC' ||
    code === 'EDQUOT' ||
    code === 'EROFS' ||
    code === 'QuotaExceeded' ||
    code === 'XMinioStorageFull'
  );
}

export interface ArtifactStore {
  /** Can it write new files now (free space, the last write's outcome)? */
  health(): Promise<StoreHealth>;
  put(key: string, body: Buffer | Readable, options: PutOptions): Promise<ArtifactInfo>;
  get(key: string): Promise<{ info: ArtifactInfo; body: Readable }>;
  getBuffer(key: string): Promise<Buffer>;
  head(key: string): Promise<ArtifactInfo | null>;
  delete(key: string): Promise<void>;
  /** Keys under a prefix, sorted. */
  list(prefix: string): Promise<string[]>;
  /**
   * A URL the client can GET without further credentials, valid for `expiresInSeconds`,
   * or null when the store cannot sign URLs (the gateway then serves the artifact itself).
   */
  presignedGetUrl(key: string, expiresInSeconds: number): Promise<string | null>;
}

const SEGMENT = /^[A-Za-z0-9._-]+$/;

/** Rejects keys that could escape the store's root or collide with its bookkeeping. */
export function assertValidKey(key: string): void {
  const segments = key.split('/');
  const valid =
    key.length > 0 &&
    key.length <= 1024 &&
    segments.every((s) => SEGMENT.test(s) && s !== '.' && s !== '..' && !s.endsWith('.meta.json'));
  if (!valid) throw new InvalidArtifactKeyError(key);
}
