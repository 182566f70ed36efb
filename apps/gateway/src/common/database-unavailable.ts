/** PostgreSQL's codes for a server going away or not taking connections yet (admin shutdown, crash shutdown, cannot connect now, connection failures). */
const UNAVAILABLE_CODES = new Set(['57P01', '57P02', '57P03', '08000', '08001', '08003', '08006', 'ECONNREFUSED', 'ECONNRESET', 'EPIPE']);
/** Prisma's codes for the same: cannot reach the server, timed out reaching it, socket timeout, server closed the connection. */
const PRISMA_UNAVAILABLE_CODES = new Set(['P1001', 'P1002', 'P1008', 'P1017']);
/** What Prisma's driver adapters call the same, in a DriverAdapterError's cause. */
const ADAPTER_UNAVAILABLE_KINDS = new Set(['DatabaseNotReachable', 'ConnectionClosed', 'SocketTimeout']);
const UNAVAILABLE_MESSAGE = /Connection terminated|connection timeout|terminating connection|the database system is (starting up|shutting down|in recovery mode)|ECONNREFUSED|Client has encountered a connection error/i;

interface ErrorLike {
  code?: unknown;
  kind?: unknown;
  message?: unknown;
  cause?: unknown;
  meta?: { driverAdapterError?: unknown };
}

/**
 * True when the error (or one it wraps) says the database could not be reached, rather than
 * that the request or the code is wrong: the gateway answers 503 and Retry-After for those, as
 * for a queue it cannot reach. Prisma wraps the driver's error as `cause`, or, through a driver
 * adapter, as `meta.driverAdapterError` whose own cause names the failure's `kind`.
 */
export function isDatabaseUnavailable(error: unknown): boolean {
  for (let current = error, depth = 0; current && depth < 6; depth++) {
    const { code, kind, message, cause, meta } = current as ErrorLike;
    if (typeof code === 'string' && (UNAVAILABLE_CODES.has(code) || PRISMA_UNAVAILABLE_CODES.has(code))) return true;
    if (typeof kind === 'string' && ADAPTER_UNAVAILABLE_KINDS.has(kind)) return true;
    if (typeof message === 'string' && UNAVAILABLE_MESSAGE.test(message)) return true;
    current = cause ?? meta?.driverAdapterError;
  }
  return false;
}
