import { safeFetch, SafeFetchError } from '@easel/safe-fetch';
import { PermanentJobError } from '../service-handler';

const DATA_URI = /^data:[a-z]+\/[a-z0-9.+-]+;base64,/i;
const BASE64 = /^[A-Za-z0-9+/\s]+={0,2}\s*$/;

/** A field as the messages name it, Laravel-style: `init_image` → "init image". */
export const attribute = (field: string) => field.replace(/_/g, ' ');

/**
 * An input file as the client sent it: an http(s) URL (fetched with SSRF protection), a data: URI
 * or bare base64. Every way it can fail is the client's, so it fails the job at once naming the field.
 */
export async function loadInputBytes(field: string, value: string, allowHosts: readonly string[], limits: { maxBytes: number; what: string }): Promise<Buffer> {
  const trimmed = value.trim();
  if (/^https?:\/\//i.test(trimmed)) {
    try {
      return (await safeFetch(trimmed, { maxBytes: limits.maxBytes, allowHosts, timeoutMs: 20_000 })).body;
    } catch (error) {
      const reason = error instanceof SafeFetchError ? error.message : String(error);
      throw new PermanentJobError(`The ${attribute(field)} could not be downloaded: ${reason}`, field);
    }
  }
  const base64 = trimmed.replace(DATA_URI, '');
  if (base64.length === 0 || !BASE64.test(base64)) {
    throw new PermanentJobError(`The ${attribute(field)} must be an http(s) URL or base64 ${limits.what} data.`, field);
  }
  const bytes = Buffer.from(base64, 'base64');
  if (bytes.length > limits.maxBytes) throw new PermanentJobError(`The ${attribute(field)} is larger than ${limits.maxBytes} bytes.`, field);
  return bytes;
}
