import type { EaselConfig } from '@easel/config';
import { applyMigrations, openPostgresDatabase } from '@easel/db';
import { CliError } from '../cli-error';

/** `easel migrate`: applies pending migrations to DATABASE_URL (distributed mode, Helm hook). */
export async function migrate(config: EaselConfig): Promise<void> {
  if (!config.DATABASE_URL) throw new CliError('DATABASE_URL is not set: `easel migrate` migrates a PostgreSQL database (embedded mode migrates itself at `easel up`)');
  const db = await openPostgresDatabase({ url: config.DATABASE_URL });
  try {
    const applied = await applyMigrations(db.sql);
    process.stdout.write(applied.length ? `applied: ${applied.join(', ')}\n` : 'database is up to date\n');
  } finally {
    await db.close();
  }
}
