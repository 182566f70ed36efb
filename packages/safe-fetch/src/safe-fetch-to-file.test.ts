import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { safeFetch } from './safe-fetch';
import { SafeFetchError } from './safe-fetch-error';
import { safeFetchToFile } from './safe-fetch-to-file';

setFlagsFromString('--expose-gc');
const collectGarbage = runInNewContext('gc') as () => void;

const MiB = 1024 * 1024;
const LARGE = 64 * MiB;

/**
 * Live JS heap plus the bytes of Buffers and ArrayBuffers: collected until the figure stops
 * falling, since V8 frees a collected buffer's memory a little later, off the main thread.
 */
async function liveBytes(): Promise<number> {
  let live = Infinity;
  for (let round = 0; round < 10; round++) {
    collectGarbage();
    await new Promise((resolve) => setImmediate(resolve));
    const { heapUsed, arrayBuffers } = process.memoryUsage();
    if (heapUsed + arrayBuffers >= live) break;
    live = heapUsed + arrayBuffers;
  }
  return live;
}

/** What the last streamed body cost: bytes the server got to send, and the largest live memory seen while sending. */
const streamed = { sent: 0, peakLive: 0 };

/** Sends `total` bytes in 1 MiB chunks as the client reads them, sampling live memory every 4 MiB. */
async function streamBody(res: ServerResponse, total: number): Promise<void> {
  const chunk = Buffer.alloc(MiB, 0x5a);
  streamed.sent = 0;
  streamed.peakLive = await liveBytes();
  async function* body(): AsyncGenerator<Buffer> {
    for (; streamed.sent < total; streamed.sent += chunk.length) {
      if (streamed.sent % (4 * MiB) === 0) streamed.peakLive = Math.max(streamed.peakLive, await liveBytes());
      yield chunk;
    }
  }
  res.writeHead(200, { 'content-type': 'application/octet-stream' });
  await pipeline(Readable.from(body()), res).catch(() => undefined); // the client may hang up: that is the point of some tests
}

let server: Server;
let base = '';
let dir = '';

beforeAll(async () => {
  server = createServer((req, res) => {
    if (req.url === '/small') return res.end(Buffer.from('model bytes'));
    if (req.url === '/large') return void streamBody(res, LARGE);
    if (req.url === '/declared-large') {
      res.writeHead(200, { 'content-length': String(LARGE) });
      return res.write(Buffer.alloc(1024)); // and never ends: only hanging up frees the client
    }
    if (req.url === '/stalls') {
      res.writeHead(200);
      return res.write(Buffer.alloc(1024)); // and never ends
    }
    res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  dir = await mkdtemp(join(tmpdir(), 'easel-safe-fetch-'));
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  await rm(dir, { recursive: true, force: true });
});

const local = (maxBytes: number) => ({ allowHosts: ['127.0.0.1'], maxBytes });

async function failure(promise: Promise<unknown>): Promise<SafeFetchError> {
  const error = await promise.then(
    () => new Error('expected the fetch to fail'),
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(SafeFetchError);
  return error as SafeFetchError;
}

describe('safeFetchToFile', () => {
  it('writes the body to the file and says how many bytes it wrote', async () => {
    const path = join(dir, 'small.bin');
    const got = await safeFetchToFile(`${base}/small`, path, local(1024));
    expect(got).toMatchObject({ status: 200, bytes: 11 });
    expect(await readFile(path, 'utf8')).toBe('model bytes');
  });

  it('streams a 64 MiB body to disk without ever holding it in memory', async () => {
    const path = join(dir, 'large.bin');
    const before = await liveBytes();
    await safeFetchToFile(`${base}/large`, path, local(LARGE));
    expect((await stat(path)).size).toBe(LARGE);
    expect(streamed.peakLive - before).toBeLessThan(LARGE / 4);
    await rm(path);
  });

  it('(the same measure catches a body held in memory: safeFetch buffers it)', async () => {
    const before = await liveBytes();
    const held = await safeFetch(`${base}/large`, local(LARGE));
    expect(streamed.peakLive - before).toBeGreaterThan(LARGE / 2);
    expect(held.body.length).toBe(LARGE);
  });

  it('stops reading a body past the size limit and leaves no file behind', async () => {
    const path = join(dir, 'too-large.bin');
    const error = await failure(safeFetchToFile(`${base}/large`, path, local(2 * MiB)));
    expect(error.code).toBe('too_large');
    expect(error.message).toContain(`limit of ${2 * MiB} bytes`);
    expect(streamed.sent).toBeLessThan(LARGE / 2);
    expect(existsSync(path)).toBe(false);
  });

  it('refuses a declared length past the limit before writing anything, without waiting for the body', async () => {
    const path = join(dir, 'declared.bin');
    expect((await failure(safeFetchToFile(`${base}/declared-large`, path, local(MiB)))).code).toBe(
      'too_large',
    );
    expect(existsSync(path)).toBe(false);
  });

  it('times out a body that stops arriving, removing what was written', async () => {
    const path = join(dir, 'stalled.bin');
    expect(
      (await failure(safeFetchToFile(`${base}/stalls`, path, { ...local(MiB), timeoutMs: 500 }))).code,
    ).toBe('timeout');
    expect(existsSync(path)).toBe(false);
  });

  it('keeps the address rules: loopback is refused without the allow list, and no file is created', async () => {
    const path = join(dir, 'blocked.bin');
    expect((await failure(safeFetchToFile(`${base}/small`, path, { maxBytes: 1024 }))).code).toBe(
      'blocked_address',
    );
    expect(existsSync(path)).toBe(false);
  });
});
