import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { blockedRange } from './address-policy';
import { safeFetch, SafeFetchError } from './safe-fetch';

let server: Server;
let base = '';

beforeAll(async () => {
  server = createServer((req, res) => {
    if (req.url === '/image') return res.end(Buffer.alloc(1000, 7));
    if (req.url === '/big') return res.end(Buffer.alloc(5000, 1));
    if (req.url === '/redirect-to-metadata') {
      res.writeHead(302, { location: 'http://169.254.169.254/latest/meta-data/' });
      return res.end();
    }
    if (req.url === '/redirect-local') {
      res.writeHead(302, { location: '/image' });
      return res.end();
    }
    res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const allowLocal = { allowHosts: ['127.0.0.1'], maxBytes: 4096 };

async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
    return 'ok';
  } catch (error) {
    expect(error).toBeInstanceOf(SafeFetchError);
    return (error as SafeFetchError).code;
  }
}

describe('safeFetch', () => {
  it('refuses loopback, private and link-local addresses by default', async () => {
    expect(await codeOf(safeFetch(`${base}/image`, { maxBytes: 4096 }))).toBe('blocked_address');
    expect(await codeOf(safeFetch('http://10.0.0.1/x', { maxBytes: 10 }))).toBe('blocked_address');
    expect(await codeOf(safeFetch('http://[::1]/x', { maxBytes: 10 }))).toBe('blocked_address');
    expect(await codeOf(safeFetch('http://localhost:65000/x', { maxBytes: 10 }))).toBe('blocked_address');
  });

  it('fetches from an allow-listed host, following redirects on it', async () => {
    const got = await safeFetch(`${base}/redirect-local`, allowLocal);
    expect(got.body.length).toBe(1000);
  });

  it('checks every redirect hop: a public host cannot bounce the fetch to the metadata service', async () => {
    expect(await codeOf(safeFetch(`${base}/redirect-to-metadata`, allowLocal))).toBe('blocked_address');
  });

  it('stops reading at the size limit', async () => {
    expect(await codeOf(safeFetch(`${base}/big`, allowLocal))).toBe('too_large');
  });

  it('reports HTTP errors and bad URLs by code', async () => {
    expect(await codeOf(safeFetch(`${base}/missing`, allowLocal))).toBe('http_status');
    expect(await codeOf(safeFetch('file:///etc/passwd', allowLocal))).toBe('invalid_url');
    expect(await codeOf(safeFetch('not a url', allowLocal))).toBe('invalid_url');
  });

  it('classifies address ranges', () => {
    expect(blockedRange('8.8.8.8')).toBeNull();
    expect(blockedRange('192.168.1.2')).toBe('private');
    expect(blockedRange('::ffff:127.0.0.1')).toBe('loopback');
    expect(blockedRange('fd00::1')).toBe('uniqueLocal');
  });
});
