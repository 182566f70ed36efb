import { isIP } from 'node:net';
import { blockedRange, isAllowedHost } from '@easel/safe-fetch';

/** Whether `value` is an http(s) URL whose host is a private address outright (an IP literal in a non-public range, or localhost). */
export function isPrivateUrl(value: string, allowHosts: readonly string[]): boolean {
  if (!/^https?:\/\//i.test(value)) return false;
  let host: string;
  try {
    host = new URL(value).hostname.replace(/^\[|\]$/g, '');
  } catch {
    return false;
  }
  if (isAllowedHost(host, { allowHosts })) return false;
  const lower = host.toLowerCase();
  return lower === 'localhost' || lower.endsWith('.localhost') || (isIP(host) !== 0 && blockedRange(host) !== null);
}

/**
 * The positions (from 1) of the URLs that name a private address outright: refused before anything
 * is queued or charged. A host name that only resolves to such an address is stopped when the
 * worker fetches it (safe-fetch), which fails the job.
 */
export function privateUrls(values: readonly string[], allowHosts: readonly string[]): number[] {
  return values.flatMap((value, i) => (isPrivateUrl(value, allowHosts) ? [i + 1] : []));
}

/** The message of a field whose URL names a private address. */
export const privateUrlMessage = (what: string) => `The ${what} points at a private address, which this service does not fetch.`;
