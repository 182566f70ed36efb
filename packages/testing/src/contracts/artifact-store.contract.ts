import { ArtifactNotFoundError, InvalidArtifactKeyError, type ArtifactStore } from '@easel/storage';
import { Readable } from 'node:stream';
import { randomBytes, randomUUID } from 'node:crypto';

export interface ArtifactStoreContractOptions {
  create(): Promise<ArtifactStore>;
  /** Whether this store hands out URLs a client can fetch directly. */
  signsUrls: boolean;
  cleanup?(store: ArtifactStore): Promise<void>;
}

async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.from(chunk));
  return Buffer.concat(chunks);
}

/** The behaviour every ArtifactStore implementation must show; run it once per implementation. */
export function artifactStoreContract(name: string, options: ArtifactStoreContractOptions): void {
  describe(`ArtifactStore contract: ${name}`, () => {
    let store: ArtifactStore;
    let prefix: string;
    beforeAll(async () => {
      store = await options.create();
    });
    beforeEach(() => {
      prefix = `t${randomUUID().slice(0, 8)}`;
    });
    afterAll(async () => {
      await options.cleanup?.(store);
    });

    it('stores bytes and returns them with their size and content type', async () => {
      const body = randomBytes(4096);
      const info = await store.put(`${prefix}/42/0.png`, body, { contentType: 'image/png' });
      expect(info).toEqual({ key: `${prefix}/42/0.png`, size: 4096, contentType: 'image/png' });
      expect((await store.getBuffer(`${prefix}/42/0.png`)).equals(body)).toBe(true);
      const { info: got, body: stream } = await store.get(`${prefix}/42/0.png`);
      expect(got.contentType).toBe('image/png');
      expect((await readAll(stream)).equals(body)).toBe(true);
    });

    it('accepts a stream larger than one upload part', async () => {
      const size = 12 * 1024 * 1024 + 123;
      const chunk = randomBytes(1024 * 1024);
      const stream = Readable.from(
        (function* () {
          let left = size;
          while (left > 0) {
            const n = Math.min(left, chunk.length);
            yield chunk.subarray(0, n);
            left -= n;
          }
        })(),
      );
      const info = await store.put(`${prefix}/big.bin`, stream, { contentType: 'application/octet-stream' });
      expect(info.size).toBe(size);
      expect((await store.head(`${prefix}/big.bin`))?.size).toBe(size);
    });

    it('reports itself writable while it can take files', async () => {
      await store.put(`${prefix}/ok.txt`, Buffer.from('ok'), { contentType: 'text/plain' });
      const health = await store.health();
      expect(health.writable).toBe(true);
      if (health.freeBytes !== null) expect(health.freeBytes).toBeGreaterThan(0);
    });

    it('overwrites a key', async () => {
      await store.put(`${prefix}/a.txt`, Buffer.from('one'), { contentType: 'text/plain' });
      await store.put(`${prefix}/a.txt`, Buffer.from('two!'), { contentType: 'text/plain' });
      expect((await store.getBuffer(`${prefix}/a.txt`)).toString()).toBe('two!');
    });

    it('answers head with null and get with ArtifactNotFoundError for a missing key', async () => {
      expect(await store.head(`${prefix}/missing.png`)).toBeNull();
      await expect(store.get(`${prefix}/missing.png`)).rejects.toBeInstanceOf(ArtifactNotFoundError);
      await expect(store.getBuffer(`${prefix}/missing.png`)).rejects.toBeInstanceOf(ArtifactNotFoundError);
    });

    it('lists keys under a prefix, sorted, and nothing outside it', async () => {
      for (const key of ['b/1.png', 'a/2.png', 'a/1.png']) {
        await store.put(`${prefix}/${key}`, Buffer.from(key), { contentType: 'image/png' });
      }
      await store.put(`${prefix}x/other.png`, Buffer.from('x'), { contentType: 'image/png' });
      expect(await store.list(`${prefix}/a/`)).toEqual([`${prefix}/a/1.png`, `${prefix}/a/2.png`]);
      expect(await store.list(`${prefix}/`)).toHaveLength(3);
    });

    it('deletes, and deleting a missing key is not an error', async () => {
      await store.put(`${prefix}/gone.png`, Buffer.from('x'), { contentType: 'image/png' });
      await store.delete(`${prefix}/gone.png`);
      expect(await store.head(`${prefix}/gone.png`)).toBeNull();
      await expect(store.delete(`${prefix}/gone.png`)).resolves.toBeUndefined();
    });

    it.each(['../escape.png', '/abs.png', 'a//b.png', '', 'a/../../b', 'a/b c.png'])(
      'rejects the unsafe key %j',
      async (key) => {
        await expect(store.put(key, Buffer.from('x'), { contentType: 'image/png' })).rejects.toBeInstanceOf(
          InvalidArtifactKeyError,
        );
      },
    );

    it(options.signsUrls ? 'signs GET URLs that fetch the bytes' : 'says it cannot sign URLs', async () => {
      await store.put(`${prefix}/signed.png`, Buffer.from('signed'), { contentType: 'image/png' });
      const url = await store.presignedGetUrl(`${prefix}/signed.png`, 60);
      if (!options.signsUrls) {
        expect(url).toBeNull();
        return;
      }
      expect(url).toMatch(/^https?:\/\//);
      const response = await fetch(url as string);
      expect(response.status).toBe(200);
      expect(Buffer.from(await response.arrayBuffer()).toString()).toBe('signed');
    });
  });
}
