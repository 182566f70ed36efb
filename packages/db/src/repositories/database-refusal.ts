/**
 * True when the error is the database's answer to a statement it refused (PostgreSQL's error
 * response, or Prisma's "raw query failed" carrying one), so the statement surely did not commit;
 * false for anything else (a connection cut, a timeout on our side), after which it may have.
 */
export function refusedByDatabase(error: unknown): boolean {
  const e = error as { severity?: unknown; code?: unknown; meta?: { code?: unknown } };
  if (typeof e?.severity === 'string' && typeof e.code === 'string') return true; // node-postgres DatabaseError
  return e?.code === 'P2010' && typeof e.meta?.code === 'string';
}
