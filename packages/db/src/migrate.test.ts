import { openEmbeddedDatabase } from './embedded-database';
import { openPostgresDatabase } from './postgres-database';
import { applyMigrations, readMigrations } from './migrate';
import { findSchemaDrift, SCHEMA_FILE } from './schema-drift';
import { readFileSync } from 'node:fs';
import type { Database } from './database';
import { randomBytes } from 'node:crypto';

const POSTGRES_URL = process.env.TEST_DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/test';

const targets: Array<[string, () => Promise<Database>]> = [
  ['embedded PGlite', () => openEmbeddedDatabase()],
  [
    'PostgreSQL',
    () => openPostgresDatabase({ url: `${POSTGRES_URL}?schema=migrate_${randomBytes(4).toString('hex')}` }),
  ],
];

describe.each(targets)('migrations on %s', (_name, open) => {
  let db: Database;
  beforeAll(async () => {
    db = await open();
  });
  afterAll(async () => {
    if (db.kind === 'postgres') {
      const [{ schema }] = await db.sql.query<{ schema: string }>('SELECT current_schema() AS schema');
      await db.sql.exec(`DROP SCHEMA "${schema}" CASCADE`);
    }
    await db.close();
  });

  it('applies every migration once and records it as Prisma does', async () => {
    const names = readMigrations().map((m) => m.name);
    expect(await applyMigrations(db.sql)).toEqual(names);
    expect(await applyMigrations(db.sql)).toEqual([]);
    const rows = await db.sql.query<{ migration_name: string; applied_steps_count: number; checksum: string }>(
      'SELECT migration_name, applied_steps_count, checksum FROM "_prisma_migrations" ORDER BY migration_name',
    );
    expect(rows.map((r) => r.migration_name)).toEqual(names);
    expect(rows.every((r) => r.applied_steps_count === 1 && r.checksum.length === 64)).toBe(true);
  });

  it('leaves a database that matches schema.prisma', async () => {
    expect(await findSchemaDrift(db.sql)).toEqual([]);
  });

  it('notices drift: a schema with an extra column does not match', async () => {
    const altered = readFileSync(SCHEMA_FILE, 'utf8').replace('  name               String        @unique', '  name String @unique\n  plan String');
    expect(await findSchemaDrift(db.sql, altered)).toEqual(['column tenants.plan is missing']);
  });

  it('serves the Prisma client', async () => {
    const tenant = await db.prisma.tenant.create({ data: { name: `t-${Date.now()}` } });
    expect(tenant.balance.toString()).toBe('0');
  });

  it('refuses to continue when an applied migration file was changed', async () => {
    const [first] = readMigrations();
    await expect(applyMigrations(db.sql, [{ ...first, checksum: 'f'.repeat(64) }])).rejects.toThrow(/changed after/);
  });
});
