import { PGlite } from '@electric-sql/pglite';
import { PrismaPGlite } from 'pglite-prisma-adapter';
import { PrismaClient } from './generated/prisma/client';
import { TRANSACTION_OPTIONS, type Database } from './database';
import type { SqlExecutor } from './sql-executor';

export interface EmbeddedOptions {
  /** A folder for the database files; omit for an in-memory database (tests). */
  dataDir?: string;
}

/** PostgreSQL compiled to WASM (PGlite), running in this process: nothing to install. */
export async function openEmbeddedDatabase(options: EmbeddedOptions = {}): Promise<Database> {
  const pg = await PGlite.create(options.dataDir ? { dataDir: options.dataDir } : {});
  const prisma = new PrismaClient({ adapter: new PrismaPGlite(pg), transactionOptions: TRANSACTION_OPTIONS });
  const sql: SqlExecutor = {
    async query<Row>(text: string, params: unknown[] = []) {
      return (await pg.query<Row>(text, params)).rows;
    },
    async exec(text: string) {
      await pg.exec(text);
    },
    close: () => pg.close(),
  };
  return {
    kind: 'embedded',
    prisma,
    sql,
    async close() {
      await prisma.$disconnect();
      if (!pg.closed) await pg.close();
    },
  };
}
