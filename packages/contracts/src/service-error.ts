/**
 * How any service (its worker code or its engine) says a job or a call failed: a stable `code`,
 * the request `field` it concerns (when one does), and whether running it again may succeed.
 * The worker maps it once to the job's end (a non-retryable failure ends the job `failed` at once
 * with its message; a retryable one goes back to the bus) and once to a gRPC status.
 */
export interface ServiceFailure {
  code: string;
  message: string;
  field?: string;
  retryable: boolean;
}

export class ServiceError extends Error implements ServiceFailure {
  readonly code: string;
  readonly field?: string;
  readonly retryable: boolean;

  constructor(
    code: string,
    message: string,
    options: { field?: string; retryable?: boolean; cause?: unknown } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    if (options.field !== undefined) this.field = options.field;
    this.retryable = options.retryable ?? false;
  }
}

/**
 * Any thrown value as a ServiceFailure. Engines need not import this package: an error that carries
 * a string `code` (and `field`, `retryable`) is read as one; a `code` without `retryable` is a
 * request or model problem (not retryable); anything else is `internal` and retryable, since a
 * fault of ours (a crashed session, a lost connection) may pass on another worker. Service codes are
 * snake_case, which keeps Node's own codes (`ECONNRESET`, `ERR_STREAM_PREMATURE_CLOSE`) internal.
 */
const SERVICE_CODE = /^[a-z][a-z0-9_]*$/;

export function describeFailure(error: unknown): ServiceFailure {
  const message = error instanceof Error ? error.message : String(error);
  const code = error !== null && typeof error === 'object' ? (error as { code?: unknown }).code : undefined;
  if (typeof code === 'string' && SERVICE_CODE.test(code)) {
    const { field, retryable } = error as { field?: unknown; retryable?: unknown };
    return { code, message, retryable: retryable === true, ...(typeof field === 'string' ? { field } : {}) };
  }
  return { code: 'internal', message, retryable: true };
}
