import { createHash, randomUUID } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SqlExecutor } from './sql-executor';

/** Where this package keeps its Prisma migrations (`prisma/migrations/<timestamp>_<name>/migration.sql`). */
export const MIGRATIONS_DIR = join(__dirname, '..', 'prisma', 'migrations');

/** The advisory lock id Prisma's own schema engine takes while migrating. */
const PRISMA_MIGRATE_LOCK = 72707369;

// The same table, columns and types `prisma migrate deploy` creates, so the real
// schema engine can take over a database this runner migrated, and the other way round.
const CREATE_MIGRATIONS_TABLE = `
CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
    "id"                    VARCHAR(36) PRIMARY KEY NOT NULL,
    "checksum"              VARCHAR(64) NOT NULL,
    "finished_at"           TIMESTAMPTZ,
    "migration_name"        VARCHAR(255) NOT NULL,
    "logs"                  TEXT,
    "rolled_back_at"        TIMESTAMPTZ,
    "started_at"            TIMESTAMPTZ NOT NULL DEFAULT now(),
    "applied_steps_count"   INTEGER NOT NULL DEFAULT 0
)`;

export interface Migration {
  name: string;
  sql: string;
  checksum: string;
}

export class MigrationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MigrationError';
  }
}

export function readMigrations(dir = MIGRATIONS_DIR): Migration[] {
  if (!existsSync(dir)) throw new MigrationError(`migrations folder not found: ${dir}`);
  return readdirSync(dir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && existsSync(join(dir, entry.name, 'migration.sql')))
    .map((entry) => entry.name)
    .sort()
    .map((name) => {
      const sql = readFileSync(join(dir, name, 'migration.sql'), 'utf8');
      return { name, sql, checksum: createHash('sha256').update(sql).digest('hex') };
    });
}

interface AppliedRow {
  migration_name: string;
  checksum: string;
  finished_at: Date | null;
  rolled_back_at: Date | null;
}

/**
 * Applies the migrations that are not applied yet, in name order, each in its own
 * transaction, recording them in `_prisma_migrations` as Prisma does. Returns the names applied.
 * Refuses to go on past a migration that failed earlier or whose file changed since it was applied.
 */
export async function applyMigrations(db: SqlExecutor, migrations = readMigrations()): Promise<string[]> {
  const applied: string[] = [];
  await db.query('SELECT pg_advisory_lock($1)', [PRISMA_MIGRATE_LOCK]);
  try {
    await db.exec(CREATE_MIGRATIONS_TABLE);
    const rows = await db.query<AppliedRow>(
      'SELECT migration_name, checksum, finished_at, rolled_back_at FROM "_prisma_migrations"',
    );
    for (const migration of migrations) {
      const history = rows.filter((row) => row.migration_name === migration.name && !row.rolled_back_at);
      if (history.some((row) => !row.finished_at)) {
        throw new MigrationError(
          `migration ${migration.name} failed earlier; fix the database and mark it rolled back before retrying`,
        );
      }
      const done = history.find((row) => row.finished_at);
      if (done) {
        if (done.checksum !== migration.checksum) {
          throw new MigrationError(`migration ${migration.name} was changed after it was applied`);
        }
        continue;
      }
      await applyOne(db, migration);
      applied.push(migration.name);
    }
  } finally {
    await db.query('SELECT pg_advisory_unlock($1)', [PRISMA_MIGRATE_LOCK]);
  }
  return applied;
}

async function applyOne(db: SqlExecutor, migration: Migration): Promise<void> {
  const id = randomUUID();
  await db.query(
    'INSERT INTO "_prisma_migrations" (id, checksum, migration_name, started_at, applied_steps_count) VALUES ($1, $2, $3, now(), 0)',
    [id, migration.checksum, migration.name],
  );
  try {
    await db.exec(`BEGIN;\n${migration.sql}\nCOMMIT;`);
  } catch (error) {
    await db.exec('ROLLBACK').catch(() => undefined);
    const message = error instanceof Error ? error.message : String(error);
    await db.query('UPDATE "_prisma_migrations" SET logs = $2 WHERE id = $1', [id, message]);
    throw new MigrationError(`migration ${migration.name} failed: ${message}`);
  }
  await db.query(
    'UPDATE "_prisma_migrations" SET finished_at = now(), applied_steps_count = 1 WHERE id = $1',
    [id],
  );
}
