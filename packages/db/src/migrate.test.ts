import { openEmbeddedDatabase } from './embedded-database';
import { applyMigrations, readMigrations } from './migrate';

describe('applyMigrations (embedded)', () => {
  it('applies every migration once and records it as Prisma does', async () => {
    const db = await openEmbeddedDatabase();
    try {
      const names = readMigrations().map((m) => m.name);
      expect(await applyMigrations(db.sql)).toEqual(names);
      expect(await applyMigrations(db.sql)).toEqual([]);
      const rows = await db.sql.query<{ migration_name: string; applied_steps_count: number; checksum: string }>(
        'SELECT migration_name, applied_steps_count, checksum FROM "_prisma_migrations" ORDER BY migration_name',
      );
      expect(rows.map((r) => r.migration_name)).toEqual(names);
      expect(rows.every((r) => r.applied_steps_count === 1 && r.checksum.length === 64)).toBe(true);
      const tenant = await db.prisma.tenant.create({ data: { name: 'acme' } });
      expect(tenant.balance.toString()).toBe('0');
    } finally {
      await db.close();
    }
  });
});
