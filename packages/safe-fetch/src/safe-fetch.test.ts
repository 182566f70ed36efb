import dns from 'node:dns';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { blockedRange } from './address-policy';
import { safeFetch } from './safe-fetch';
import { SafeFetchError } from './safe-fetch-error';

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
    if (req.url?.startsWith('/redirect-to?')) {
      res.writeHead(302, { location: new URLSearchParams(req.url.slice('/redirect-to?'.length)).get('url')! });
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

  it('refuses every spelling of a loopback, private, link-local or unspecified literal, naming the range', async () => {
    for (const [url, range] of [
      ['http://127.0.0.1/x', 'loopback'],
      ['http://2130706433/x', 'loopback'], // decimal 127.0.0.1
      ['http://0x7f.1/x', 'loopback'],
      ['http://[::ffff:127.0.0.1]/x', 'loopback'],
      ['http://0.0.0.0/x', 'unspecified'],
      ['http://172.16.5.4/x', 'private'],
      ['http://192.168.0.10/x', 'private'],
      ['http://169.254.169.254/latest/meta-data/', 'linkLocal'],
      ['http://[fe80::1]/x', 'linkLocal'],
      ['http://[fd12::1]/x', 'uniqueLocal'],
      ['http://100.64.0.1/x', 'carrierGradeNat'],
    ]) {
      const error = await safeFetch(url, { maxBytes: 10 }).catch((e: unknown) => e as SafeFetchError);
      expect({ url, code: (error as SafeFetchError).code }).toEqual({ url, code: 'blocked_address' });
      expect((error as SafeFetchError).message).toMatch(new RegExp(`${range}.*not reachable from this service`));
    }
  });

  it('re-checks a redirect to loopback, to a private range, or to a name that resolves to loopback', async () => {
    const via = (target: string) => `${base}/redirect-to?${new URLSearchParams({ url: target })}`;
    for (const target of ['http://127.0.0.2/image', 'http://10.1.2.3/image', 'http://[::1]/image', `http://localhost:${new URL(base).port}/image`]) {
      const error = await safeFetch(via(target), allowLocal).catch((e: unknown) => e as SafeFetchError);
      expect({ target, code: (error as SafeFetchError).code }).toEqual({ target, code: 'blocked_address' });
      expect((error as SafeFetchError).message).toContain('not reachable from this service');
    }
  });

  it('refuses a DNS name that resolves to a private address (checked after resolution, in the connect itself)', async () => {
    const lookup = jest.spyOn(dns, 'lookup').mockImplementation(((hostname: string, _options: unknown, callback: (e: null, a: dns.LookupAddress[]) => void) => {
      // One public and one private address: a single private answer is enough to refuse.
      callback(null, hostname === 'images.example.com' ? [{ address: '93.184.216.34', family: 4 }, { address: '10.20.30.40', family: 4 }] : [{ address: '192.168.7.7', family: 4 }]);
    }) as unknown as typeof dns.lookup);
    try {
      for (const url of ['http://images.example.com/cat.png', 'https://internal.example.net/x.png']) {
        const error = await safeFetch(url, { maxBytes: 10, timeoutMs: 2_000 }).catch((e: unknown) => e as SafeFetchError);
        expect({ url, code: (error as SafeFetchError).code }).toEqual({ url, code: 'blocked_address' });
        expect((error as SafeFetchError).message).toMatch(/resolves to (10\.20\.30\.40|192\.168\.7\.7) \(private\), which is not reachable from this service/);
      }
      expect(lookup).toHaveBeenCalled();
    } finally {
      lookup.mockRestore();
    }
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
