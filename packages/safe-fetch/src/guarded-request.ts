import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { Agent, fetch, type Response } from 'undici';
import { BlockedAddressError, blockedRange, isAllowedHost, type AddressPolicy } from './address-policy';
import { SafeFetchError, toSafeFetchError } from './safe-fetch-error';

export interface GuardedRequestOptions extends AddressPolicy {
  /** For the whole exchange, body included. Default 15 s. */
  timeoutMs?: number;
  maxRedirects?: number;
  method?: 'GET' | 'POST';
  headers?: Record<string, string>;
  body?: string;
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
          if ((options as { all?: boolean }).all)
            return (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, list);
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
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new SafeFetchError('invalid_url', `only http and https URLs are allowed, not ${url.protocol}`);
  if (url.username || url.password)
    throw new SafeFetchError('invalid_url', 'URLs with credentials are not allowed');
  // Literal IPs never go through DNS lookup: check them here.
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (!isAllowedHost(host, policy)) {
    const range = /^[\d.]+$|:/.test(host) ? blockedRange(host) : null;
    if (range)
      throw new SafeFetchError(
        'blocked_address',
        `${host} is in a ${range} range, which is not reachable from this service`,
      );
  }
  return url;
}

/**
 * Requests a user-supplied URL with SSRF protection and a timeout, follows redirects (each
 * hop checked), and hands the final 2xx response to `read` while the connection and the
 * timeout are still in force. Every failure, `read`'s included, becomes a SafeFetchError.
 */
export async function guardedRequest<T>(
  raw: string,
  options: GuardedRequestOptions,
  read: (response: Response) => Promise<T>,
): Promise<T> {
  const timeoutMs = options.timeoutMs ?? 15_000;
  const agent = guardedAgent(options, timeoutMs);
  const signal = AbortSignal.timeout(timeoutMs);
  try {
    let url = parseUrl(raw, options);
    for (let hop = 0; ; hop++) {
      const response = await fetch(url, {
        method: options.method ?? 'GET',
        headers: options.headers,
        body: options.body,
        redirect: 'manual',
        dispatcher: agent,
        signal,
      });
      const location = response.headers.get('location');
      if (response.status >= 300 && response.status < 400 && location) {
        await response.body?.cancel();
        if (hop >= (options.maxRedirects ?? 3))
          throw new SafeFetchError('http_status', 'too many redirects', response.status);
        url = parseUrl(new URL(location, url).toString(), options);
        continue;
      }
      if (response.status >= 400) {
        await response.body?.cancel();
        throw new SafeFetchError(
          'http_status',
          `the server answered HTTP ${response.status}`,
          response.status,
        );
      }
      return await read(response);
    }
  } catch (error) {
    throw toSafeFetchError(error);
  } finally {
    // destroy, not close: close would wait for a body `read` refused unread (too large) until the timeout.
    await agent.destroy().catch(() => undefined);
  }
}
