/** PostgreSQL's codes for a server going away or not taking connections yet (admin shutdown, crash shutdown, cannot connect now, connection failures). */
const UNAVAILABLE_CODES = new Set(['57P01', '57P02', '57P03', '08000', '08001', '08003', '08006', 'ECONNREFUSED', 'ECONNRESET', 'EPIPE']);
const UNAVAILABLE_MESSAGE = /Connection terminated|connection timeout|terminating connection|the database system is (starting up|shutting down|in recovery mode)|ECONNREFUSED|Client has encountered a connection error/i;

/**
 * True when the error (or one it wraps: Prisma's adapter errors carry the driver's as `cause`)
 * says the database could not be reached, rather than that the request or the code is wrong:
 * the gateway answers 503 and Retry-After for those, as for a queue it cannot reach.
 */
export function isDatabaseUnavailable(error: unknown): boolean {
  for (let current = error, depth = 0; current && depth < 5; depth++) {
    const { code, message, cause } = current as { code?: unknown; message?: unknown; cause?: unknown };
    if (typeof code === 'string' && UNAVAILABLE_CODES.has(code)) return true;
    if (typeof message === 'string' && UNAVAILABLE_MESSAGE.test(message)) return true;
    current = cause;
  }
  return false;
}
