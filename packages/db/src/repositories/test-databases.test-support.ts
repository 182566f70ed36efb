import { randomBytes } from 'node:crypto';
import { openEmbeddedDatabase } from '../embedded-database';
import { applyMigrations } from '../migrate';
import { openPostgresDatabase } from '../postgres-database';
import type { Database } from '../database';

const POSTGRES_URL = process.env.TEST_DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/test';

/** Opens a database and brings its schema up to date. */
async function migrated(open: () => Promise<Database>): Promise<Database> {
  const db = await open();
  await applyMigrations(db.sql);
  return db;
}

/**
 * The two databases a repository suite runs on, for `describe.each`, each opened with its schema
 * migrated: embedded PGlite, and the real PostgreSQL in a schema of its own (named
 * `<schemaPrefix>_<random>`), dropped by `closeTestDatabase`.
 */
export function testDatabases(schemaPrefix: string): Array<[string, () => Promise<Database>]> {
  return [
    ['embedded PGlite', () => migrated(() => openEmbeddedDatabase())],
    ['PostgreSQL', () => migrated(() => openPostgresDatabase({ url: `${POSTGRES_URL}?schema=${schemaPrefix}_${randomBytes(4).toString('hex')}` }))],
  ];
}

/** Closes a suite's database, dropping its PostgreSQL schema first. */
export async function closeTestDatabase(db: Database | undefined): Promise<void> {
  if (db?.kind === 'postgres') {
    const [{ schema }] = await db.sql.query<{ schema: string }>('SELECT current_schema() AS schema');
    await db.sql.exec(`DROP SCHEMA "${schema}" CASCADE`);
  }
  await db?.close();
}
