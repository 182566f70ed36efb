import { Client } from 'pg';
import { refusedByDatabase } from './database-refusal';

const POSTGRES_URL = process.env.TEST_DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/test';

describe('refusedByDatabase', () => {
  it('is true for a statement PostgreSQL answered with an error, false when no answer came', async () => {
    const client = new Client({ connectionString: POSTGRES_URL });
    await client.connect();
    try {
      const refused = await client.query('SELECT 1 / 0').catch((e: unknown) => e);
      expect(refusedByDatabase(refused)).toBe(true);
    } finally {
      await client.end();
    }
    const nobody = new Client({ connectionString: 'postgresql://postgres@127.0.0.1:1/test', connectionTimeoutMillis: 2_000 });
    const unreachable = await nobody.connect().catch((e: unknown) => e);
    expect(refusedByDatabase(unreachable)).toBe(false);
    expect(refusedByDatabase(new Error('Connection terminated unexpectedly'))).toBe(false);
    expect(refusedByDatabase({ code: 'P2010', meta: { code: '22P05', message: 'unsupported Unicode escape sequence' } })).toBe(true);
  });
});
