import type { PrismaClient } from './generated/prisma/client';
import type { SqlExecutor } from './sql-executor';

/**
 * One database connection as the rest of Easel sees it: the Prisma client for the
 * application's queries and a raw executor for migrations and maintenance.
 * Two implementations: PostgreSQL (distributed mode) and embedded PGlite (one machine).
 */
export interface Database {
  readonly kind: 'postgres' | 'embedded';
  readonly prisma: PrismaClient;
  readonly sql: SqlExecutor;
  close(): Promise<void>;
}

/**
 * Interactive transactions queue for a pool connection (PGlite has one). Prisma's defaults
 * (2 s to start, 5 s to finish) turn a burst of submits into 500s while the database is
 * merely busy; these bounds still stop a stuck transaction.
 */
export const TRANSACTION_OPTIONS = { maxWait: 15_000, timeout: 20_000 } as const;
