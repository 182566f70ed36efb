import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { Agent, fetch, type Response } from 'undici';
import { BlockedAddressError, blockedRange, isAllowedHost, type AddressPolicy } from './address-policy';

export interface SafeFetchOptions extends AddressPolicy {
  /** Bytes read at most; a larger body fails with `too_large`. */
  maxBytes: number;
  timeoutMs?: number;
  maxRedirects?: number;
  method?: 'GET' | 'POST';
  headers?: Record<string, string>;
  body?: string;
}

export class SafeFetchError extends Error {
  constructor(readonly code: 'invalid_url' | 'blocked_address' | 'too_large' | 'http_status' | 'timeout' | 'network', message: string, readonly status?: number) {
    super(message);
    this.name = 'SafeFetchError';
  }
}

export interface FetchedBody {
  status: number;
  contentType: string | null;
  body: Buffer;
}

/**
 * Connects only to addresses the policy allows. The check runs in the socket's own DNS
 * lookup, so a host cannot pass a check with one address and connect with another
 * (DNS rebinding), and every redirect hop is checked again.
 */
function guardedAgent(policy: AddressPolicy, timeoutMs: number): Agent {
  return new Agent({
    connectTimeout: timeoutMs,
    connect: {
      lookup(hostname, options, callback) {
        dnsLookup(hostname, { ...options, all: true }, (error, addresses) => {
          if (error) return callback(error, '', 0);
          const list = addresses as unknown as LookupAddress[];
          if (!isAllowedHost(hostname, policy)) {
            for (const { address } of list) {
              const range = blockedRange(address);
              if (range) return callback(new BlockedAddressError(hostname, address, range), '', 0);
            }
          }
          if ((options as { all?: boolean }).all) return (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, list);
          callback(null, list[0].address, list[0].family);
        });
      },
    },
  });
}

function parseUrl(raw: string, policy: AddressPolicy): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new SafeFetchError('invalid_url', `not a valid URL: ${raw.slice(0, 100)}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new SafeFetchError('invalid_url', `only http and https URLs are allowed, not ${url.protocol}`);
  if (url.username || url.password) throw new SafeFetchError('invalid_url', 'URLs with credentials are not allowed');
  // Literal IPs never go through DNS lookup: check them here.
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (!isAllowedHost(host, policy)) {
    const range = /^[\d.]+$|:/.test(host) ? blockedRange(host) : null;
    if (range) throw new SafeFetchError('blocked_address', `${host} is in a ${range} range, which is not reachable from this service`);
  }
  return url;
}

async function readLimited(response: Response, maxBytes: number): Promise<Buffer> {
  const declared = Number(response.headers.get('content-length'));
  if (Number.isFinite(declared) && declared > maxBytes) throw new SafeFetchError('too_large', `the response is ${declared} bytes, more than the limit of ${maxBytes}`);
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of response.body ?? []) {
    total += (chunk as Uint8Array).byteLength;
    if (total > maxBytes) throw new SafeFetchError('too_large', `the response is larger than the limit of ${maxBytes} bytes`);
    chunks.push(Buffer.from(chunk as Uint8Array));
  }
  return Buffer.concat(chunks);
}

/** GET (or POST) a user-supplied URL with SSRF protection, a size cap and a timeout. */
export async function safeFetch(raw: string, options: SafeFetchOptions): Promise<FetchedBody> {
  const timeoutMs = options.timeoutMs ?? 15_000;
  const agent = guardedAgent(options, timeoutMs);
  const signal = AbortSignal.timeout(timeoutMs);
  try {
    let url = parseUrl(raw, options);
    for (let hop = 0; ; hop++) {
      const response = await fetch(url, { method: options.method ?? 'GET', headers: options.headers, body: options.body, redirect: 'manual', dispatcher: agent, signal });
      const location = response.headers.get('location');
      if (response.status >= 300 && response.status < 400 && location) {
        await response.body?.cancel();
        if (hop >= (options.maxRedirects ?? 3)) throw new SafeFetchError('http_status', 'too many redirects', response.status);
        url = parseUrl(new URL(location, url).toString(), options);
        continue;
      }
      if (response.status >= 400) {
        await response.body?.cancel();
        throw new SafeFetchError('http_status', `the server answered HTTP ${response.status}`, response.status);
      }
      return { status: response.status, contentType: response.headers.get('content-type'), body: await readLimited(response, options.maxBytes) };
    }
  } catch (error) {
    throw toSafeFetchError(error);
  } finally {
    await agent.close().catch(() => undefined);
  }
}

function toSafeFetchError(error: unknown): SafeFetchError {
  if (error instanceof SafeFetchError) return error;
  let cause: unknown = error;
  while (cause instanceof Error) {
    if (cause instanceof BlockedAddressError) return new SafeFetchError('blocked_address', cause.message);
    if (cause.name === 'TimeoutError' || cause.name === 'AbortError' || (cause as { code?: string }).code === 'UND_ERR_CONNECT_TIMEOUT') {
      return new SafeFetchError('timeout', 'the server did not answer in time');
    }
    cause = (cause as { cause?: unknown }).cause;
  }
  return new SafeFetchError('network', `could not fetch the URL: ${(error as Error).message}`);
}
