import { createWriteStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import { pipeline } from 'node:stream/promises';
import { guardedRequest } from './guarded-request';
import { limitedBody } from './limited-body';
import type { SafeFetchOptions } from './safe-fetch';

export interface FetchedFile {
  status: number;
  contentType: string | null;
  /** Bytes written to the file. */
  bytes: number;
}

/**
 * safeFetch for bodies too large to hold in memory (model archives): the body streams into
 * `path` under the same address rules, size cap and timeout. On any failure the partial
 * file is removed.
 */
export async function safeFetchToFile(
  raw: string,
  path: string,
  options: SafeFetchOptions,
): Promise<FetchedFile> {
  try {
    return await guardedRequest(raw, options, async (response) => {
      const file = createWriteStream(path);
      await pipeline(limitedBody(response, options.maxBytes), file);
      return {
        status: response.status,
        contentType: response.headers.get('content-type'),
        bytes: file.bytesWritten,
      };
    });
  } catch (error) {
    await rm(path, { force: true });
    throw error;
  }
}
