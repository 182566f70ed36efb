import { Client } from 'minio';
import { Readable, Transform, pipeline } from 'node:stream';
import {
  ArtifactNotFoundError,
  assertValidKey,
  type ArtifactInfo,
  type ArtifactStore,
  type PutOptions,
  type StoreHealth,
} from './artifact-store';

export interface S3ArtifactStoreOptions {
  endPoint: string;
  port?: number;
  useSSL?: boolean;
  accessKey: string;
  secretKey: string;
  bucket: string;
  /** Fixed so signing never has to ask the server for the bucket's region. */
  region?: string;
  /** Create the bucket on open when it does not exist (MinIO in a fresh cluster). */
  createBucket?: boolean;
  /** Streams are uploaded in parts of this size (at least 5 MiB, S3's minimum). */
  partSizeBytes?: number;
  /**
   * Where clients reach the store, when that differs from `endPoint` (an in-cluster
   * service name). Signed URLs cover the host, so they are signed for this one.
   */
  publicUrl?: string;
}

const DEFAULT_REGION = 'us-east-1';
const DEFAULT_PART_SIZE = 64 * 1024 * 1024;

/** Artifacts as objects in one S3 bucket (MinIO in distributed mode); the content type is the object's own. */
export class S3ArtifactStore implements ArtifactStore {
  private constructor(
    private readonly client: Client,
    private readonly signer: Client,
    private readonly bucket: string,
  ) {}

  /** The outcome of the last write: S3 says nothing of free space, but a refused put says enough. */
  private lastWriteError: string | null = null;

  /** Writable unless the last write failed and a small probe write fails too (so the store recovers by itself). */
  async health(): Promise<StoreHealth> {
    if (this.lastWriteError !== null) {
      const probe = `.easel-health/${Date.now()}-${Math.random().toString(36).slice(2)}`;
      try {
        await this.put(probe, Buffer.from('ok'), { contentType: 'text/plain' });
        await this.delete(probe);
      } catch {
        // still failing: lastWriteError holds the newest cause
      }
    }
    return this.lastWriteError === null
      ? { writable: true, freeBytes: null }
      : {
          writable: false,
          freeBytes: null,
          reason: `writes to bucket ${this.bucket} fail: ${this.lastWriteError}`,
        };
  }

  static async open(options: S3ArtifactStoreOptions): Promise<S3ArtifactStore> {
    const region = options.region ?? DEFAULT_REGION;
    const client = new Client({
      endPoint: options.endPoint,
      port: options.port,
      useSSL: options.useSSL ?? false,
      accessKey: options.accessKey,
      secretKey: options.secretKey,
      region,
      pathStyle: true,
      partSize: options.partSizeBytes ?? DEFAULT_PART_SIZE,
    });
    const signer = options.publicUrl
      ? signingClient(options.publicUrl, options.accessKey, options.secretKey, region)
      : client;
    if (options.createBucket && !(await client.bucketExists(options.bucket))) {
      await client.makeBucket(options.bucket, region).catch(async (error: unknown) => {
        // Another replica may have created it between the check and here.
        if (!(await client.bucketExists(options.bucket))) throw error;
      });
    }
    return new S3ArtifactStore(client, signer, options.bucket);
  }

  async put(key: string, body: Buffer | Readable, options: PutOptions): Promise<ArtifactInfo> {
    assertValidKey(key);
    try {
      const info = await this.write(key, body, options);
      this.lastWriteError = null;
      return info;
    } catch (error) {
      this.lastWriteError = (error as Error).message;
      throw error;
    }
  }

  private async write(key: string, body: Buffer | Readable, options: PutOptions): Promise<ArtifactInfo> {
    const metaData = { 'Content-Type': options.contentType };
    if (Buffer.isBuffer(body)) {
      await this.client.putObject(this.bucket, key, body, body.length, metaData);
      return { key, size: body.length, contentType: options.contentType };
    }
    // Unknown length: the client uploads it in parts of partSizeBytes.
    const counter = new ByteCounter();
    await this.client.putObject(
      this.bucket,
      key,
      pipeline(body, counter, () => undefined),
      undefined,
      metaData,
    );
    return { key, size: counter.bytes, contentType: options.contentType };
  }

  async get(key: string): Promise<{ info: ArtifactInfo; body: Readable }> {
    const info = await this.head(key);
    if (!info) throw new ArtifactNotFoundError(key);
    return { info, body: await this.open(key) };
  }

  async getBuffer(key: string): Promise<Buffer> {
    const chunks: Buffer[] = [];
    for await (const chunk of await this.open(key)) chunks.push(Buffer.from(chunk));
    return Buffer.concat(chunks);
  }

  async head(key: string): Promise<ArtifactInfo | null> {
    assertValidKey(key);
    try {
      const stat = await this.client.statObject(this.bucket, key);
      const contentType = String(stat.metaData['content-type'] ?? 'application/octet-stream');
      return { key, size: stat.size, contentType };
    } catch (error) {
      if (isMissing(error)) return null;
      throw error;
    }
  }

  async delete(key: string): Promise<void> {
    assertValidKey(key);
    await this.client.removeObject(this.bucket, key);
  }

  async list(prefix: string): Promise<string[]> {
    const keys: string[] = [];
    for await (const item of this.client.listObjectsV2(this.bucket, prefix, true)) {
      if (item.name) keys.push(item.name);
    }
    return keys.sort();
  }

  async presignedGetUrl(key: string, expiresInSeconds: number): Promise<string | null> {
    assertValidKey(key);
    return this.signer.presignedGetObject(this.bucket, key, expiresInSeconds);
  }

  private async open(key: string): Promise<Readable> {
    assertValidKey(key);
    try {
      return await this.client.getObject(this.bucket, key);
    } catch (error) {
      if (isMissing(error)) throw new ArtifactNotFoundError(key);
      throw error;
    }
  }
}

/** Passes bytes through and counts them, so a streamed upload can report its size. */
class ByteCounter extends Transform {
  bytes = 0;
  override _transform(
    chunk: Buffer,
    _encoding: BufferEncoding,
    done: (error?: Error | null, data?: Buffer) => void,
  ): void {
    this.bytes += chunk.length;
    done(null, chunk);
  }
}

function signingClient(publicUrl: string, accessKey: string, secretKey: string, region: string): Client {
  const url = new URL(publicUrl);
  return new Client({
    endPoint: url.hostname,
    port: url.port ? Number(url.port) : undefined,
    useSSL: url.protocol === 'https:',
    accessKey,
    secretKey,
    region,
    pathStyle: true,
  });
}

/** S3 says NoSuchKey with a body, NotFound for a HEAD (which has none). */
function isMissing(error: unknown): boolean {
  const code = (error as { code?: string })?.code;
  return code === 'NoSuchKey' || code === 'NotFound';
}
