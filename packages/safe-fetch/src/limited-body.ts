import type { Response } from 'undici';
import { SafeFetchError } from './safe-fetch-error';

/**
 * The response body chunk by chunk, failing with `too_large` as soon as the declared length
 * or the bytes received so far pass `maxBytes` (leaving the loop cancels the body).
 */
export async function* limitedBody(response: Response, maxBytes: number): AsyncGenerator<Buffer> {
  const declared = Number(response.headers.get('content-length'));
  if (Number.isFinite(declared) && declared > maxBytes)
    throw new SafeFetchError(
      'too_large',
      `the response is ${declared} bytes, more than the limit of ${maxBytes}`,
    );
  let total = 0;
  for await (const chunk of response.body ?? []) {
    const bytes = chunk as Uint8Array;
    total += bytes.byteLength;
    if (total > maxBytes)
      throw new SafeFetchError('too_large', `the response is larger than the limit of ${maxBytes} bytes`);
    yield Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }
}
