import { randomBytes } from 'node:crypto';
import { openPostgresDatabase, preparedName } from './postgres-database';
import type { Database } from './database';

const POSTGRES_URL = process.env.TEST_DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/test';

describe('prepared statements on PostgreSQL', () => {
  let db: Database;
  beforeAll(async () => {
    // One connection, so the statements prepared by one call are visible to the next.
    db = await openPostgresDatabase({ url: `${POSTGRES_URL}?schema=prepared_${randomBytes(4).toString('hex')}`, maxConnections: 1 });
    await db.sql.exec('CREATE TABLE counters (id int PRIMARY KEY, n int NOT NULL)');
  });
  afterAll(async () => {
    const [{ schema }] = await db.sql.query<{ schema: string }>('SELECT current_schema() AS schema');
    await db.sql.exec(`DROP SCHEMA "${schema}" CASCADE`);
    await db.close();
  });

  const upsert = 'INSERT INTO counters (id, n) VALUES ($1::int, 1) ON CONFLICT (id) DO UPDATE SET n = counters.n + 1 RETURNING n';
  const prepared = () => db.sql.query<{ name: string; statement: string }>('SELECT name, statement FROM pg_prepared_statements');

  it('answers as the unprepared statement does, and is parsed once per connection under its text\'s name', async () => {
    expect(await db.sql.query(upsert, [1])).toEqual([{ n: 1 }]);
    expect(await prepared()).toEqual([]);
    expect(await db.sql.query(upsert, [1], { prepare: true })).toEqual([{ n: 2 }]);
    expect(await db.sql.query(upsert, [1], { prepare: true })).toEqual([{ n: 3 }]);
    expect(await db.sql.query(upsert, [2], { prepare: true })).toEqual([{ n: 1 }]);
    expect(await prepared()).toEqual([{ name: preparedName(upsert), statement: upsert }]);
  });

  it('gives two texts two names, so a connection never confuses them', async () => {
    const other = upsert.replace('n + 1', 'n + 10');
    expect(preparedName(other)).not.toBe(preparedName(upsert));
    expect(await db.sql.query(other, [1], { prepare: true })).toEqual([{ n: 13 }]);
    expect(await db.sql.query(upsert, [1], { prepare: true })).toEqual([{ n: 14 }]);
    expect((await prepared()).map((p) => p.name).sort()).toEqual([preparedName(upsert), preparedName(other)].sort());
  });
});
