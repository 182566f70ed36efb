import { BlockedAddressError } from './address-policy';

export class SafeFetchError extends Error {
  constructor(
    readonly code: 'invalid_url' | 'blocked_address' | 'too_large' | 'http_status' | 'timeout' | 'network',
    message: string,
    readonly status?: number,
  ) {
    super(message);
    this.name = 'SafeFetchError';
  }
}

type ErrorLike = { name?: string; code?: string; cause?: ErrorLike };

/** Names what went wrong, whatever layer (DNS guard, undici, abort signal) threw it. */
export function toSafeFetchError(error: unknown): SafeFetchError {
  if (error instanceof SafeFetchError) return error;
  // Not `instanceof Error`: an abort raised inside undici comes from another realm under a VM (Jest).
  for (
    let cause = error as ErrorLike | undefined;
    typeof cause === 'object' && cause !== null;
    cause = cause.cause
  ) {
    if (cause instanceof BlockedAddressError) return new SafeFetchError('blocked_address', cause.message);
    if (
      cause.name === 'TimeoutError' ||
      cause.name === 'AbortError' ||
      cause.code === 'UND_ERR_CONNECT_TIMEOUT'
    ) {
      return new SafeFetchError('timeout', 'the server did not answer in time');
    }
  }
  return new SafeFetchError('network', `could not fetch the URL: ${(error as Error).message}`);
}
