import { PrismaClient } from './generated/prisma/client';
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
