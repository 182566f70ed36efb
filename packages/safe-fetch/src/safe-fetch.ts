import { guardedRequest, type GuardedRequestOptions } from './guarded-request';
import { limitedBody } from './limited-body';

export interface SafeFetchOptions extends GuardedRequestOptions {
  /** Bytes read at most; a larger body fails with `too_large`. */
  maxBytes: number;
}

export interface FetchedBody {
  status: number;
  contentType: string | null;
  body: Buffer;
}

/** GET (or POST) a user-supplied URL with SSRF protection, a size cap and a timeout; the body is held in memory. */
export async function safeFetch(raw: string, options: SafeFetchOptions): Promise<FetchedBody> {
  return guardedRequest(raw, options, async (response) => {
    const chunks: Buffer[] = [];
    for await (const chunk of limitedBody(response, options.maxBytes)) chunks.push(chunk);
    return {
      status: response.status,
      contentType: response.headers.get('content-type'),
      body: Buffer.concat(chunks),
    };
  });
}
