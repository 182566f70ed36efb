// S3-only behaviour the shared ArtifactStore contract does not cover.
import { S3ArtifactStore, type S3ArtifactStoreOptions } from '@easel/storage';
import { createHash, randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { sleep } from '../wait';
import { startS3Server, type TestS3Server } from './start-s3-server';

const MiB = 1024 * 1024;
const sha256 = (data: Buffer) => createHash('sha256').update(data).digest('hex');

describe('S3ArtifactStore', () => {
  let s3: TestS3Server;
  const open = (options: Partial<S3ArtifactStoreOptions> = {}) =>
    S3ArtifactStore.open({
      ...s3,
      bucket: 'easel-s3-test',
      createBucket: true,
      partSizeBytes: 5 * MiB,
      ...options,
    });

  beforeAll(async () => {
    s3 = await startS3Server();
  });
  afterAll(async () => {
    await s3.stop();
  });

  it('uploads a stream larger than a part in several parts and reads back the same bytes', async () => {
    const store = await open();
    const body = randomBytes(11 * MiB + 7);
    const before = s3.multipartUploads();
    const pieces = Array.from({ length: Math.ceil(body.length / MiB) }, (_, i) =>
      body.subarray(i * MiB, (i + 1) * MiB),
    );
    const info = await store.put('big/video.mp4', Readable.from(pieces), { contentType: 'video/mp4' });
    expect(info).toEqual({ key: 'big/video.mp4', size: body.length, contentType: 'video/mp4' });
    expect(s3.multipartUploads()).toBe(before + 1);
    expect(sha256(await store.getBuffer('big/video.mp4'))).toBe(sha256(body));
    expect((await store.head('big/video.mp4'))?.contentType).toBe('video/mp4');
  });

  it('creates its bucket on first open and opens it again when it exists', async () => {
    const first = await open({ bucket: 'easel-fresh-bucket' });
    await first.put('a.txt', Buffer.from('kept'), { contentType: 'text/plain' });
    const second = await open({ bucket: 'easel-fresh-bucket' });
    expect((await second.getBuffer('a.txt')).toString()).toBe('kept');
  });

  it('signs a URL for its own object only', async () => {
    const store = await open();
    await store.put('mine.png', Buffer.from('mine'), { contentType: 'image/png' });
    await store.put('theirs.png', Buffer.from('theirs'), { contentType: 'image/png' });
    const url = (await store.presignedGetUrl('mine.png', 60)) as string;
    expect((await fetch(url)).headers.get('content-type')).toBe('image/png');
    expect((await fetch(url.replace('mine.png', 'theirs.png'))).status).toBe(403);
    expect((await fetch(url.split('?')[0])).status).toBe(403);
  });

  it('hands out URLs that stop working when they expire', async () => {
    const store = await open();
    await store.put('brief.png', Buffer.from('x'), { contentType: 'image/png' });
    const url = (await store.presignedGetUrl('brief.png', 1)) as string;
    await sleep(2_100);
    expect((await fetch(url)).status).toBe(403);
  });

  it('signs URLs for the public address when the store is reached by another', async () => {
    const store = await open({ endPoint: 'localhost', publicUrl: `http://127.0.0.1:${s3.port}` });
    await store.put('public.png', Buffer.from('public'), { contentType: 'image/png' });
    const url = (await store.presignedGetUrl('public.png', 60)) as string;
    expect(url.startsWith(`http://127.0.0.1:${s3.port}/easel-s3-test/public.png?`)).toBe(true);
    expect(await (await fetch(url)).text()).toBe('public');
  });

  it('is not writable while writes fail, and writable again by itself once they pass', async () => {
    const own = await startS3Server();
    const store = await S3ArtifactStore.open({ ...own, bucket: 'easel-health', createBucket: true });
    expect(await store.health()).toEqual({ writable: true, freeBytes: null });
    const port = own.port;
    await own.stop();
    await expect(store.put('a.png', Buffer.from('a'), { contentType: 'image/png' })).rejects.toThrow();
    expect(await store.health()).toMatchObject({
      writable: false,
      reason: expect.stringContaining('easel-health'),
    });
    const back = await startS3Server({ port });
    try {
      // The same server back (a fresh directory here: its bucket made again, as a restored MinIO keeps it).
      await S3ArtifactStore.open({ ...back, bucket: 'easel-health', createBucket: true });
      expect(await store.health()).toEqual({ writable: true, freeBytes: null });
    } finally {
      await back.stop();
    }
  });
});
