import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { applyMigrations } from '../migrate';
import { openPostgresDatabase, parsePostgresUrl } from '../postgres-database';
import type { Database } from '../database';
import { AdmissionLeasesRepository } from './admission-leases.repository';
import { LedgerRepository } from './ledger.repository';
import { submitStatement } from './submit-statement';
import type { SubmitJobInput } from './jobs.repository';

const POSTGRES_URL = process.env.TEST_DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/test';

/** What the key's row lock of a submit in flight lets through on PostgreSQL (see submitStatement). */
describe("a submit's lock on its key's row (PostgreSQL)", () => {
  const url = `${POSTGRES_URL}?schema=key_lock_${randomBytes(4).toString('hex')}`;
  let db: Database;
  let open: Client;
  let tenantId: string;
  let apiKeyId: string;

  beforeAll(async () => {
    db = await openPostgresDatabase({ url, maxConnections: 4 });
    await applyMigrations(db.sql);
    const { connectionString, schema } = parsePostgresUrl(url);
    open = new Client({ connectionString, options: `-c search_path="${schema}"` });
    await open.connect();
  }, 30_000);
  afterAll(async () => {
    await open.end();
    const [{ schema }] = await db.sql.query<{ schema: string }>('SELECT current_schema() AS schema');
    await db.sql.exec(`DROP SCHEMA "${schema}" CASCADE`);
    await db.close();
  });
  beforeEach(async () => {
    tenantId = (await db.prisma.tenant.create({ data: { name: `t-${randomBytes(6).toString('hex')}` } })).id;
    await new LedgerRepository(db.prisma).grant(tenantId, 1_000);
    apiKeyId = (
      await db.prisma.apiKey.create({ data: { tenantId, prefix: `esk_${randomBytes(6).toString('hex')}`, secretHash: 'x', scopes: ['generate'] } })
    ).id;
  });

  const job = (prompt: string): SubmitJobInput => ({
    tenantId,
    apiKeyId,
    service: 'diffusion',
    kind: 'text2img',
    request: { prompt },
    price: 1,
    maxUnfinishedForKey: 100,
  });
  const within = <T>(ms: number, work: Promise<T>) =>
    Promise.race([work, new Promise<'still waiting'>((resolve) => setTimeout(() => resolve('still waiting'), ms).unref())]);

  it('lets a job under an admission lease in while a plain submit on the same key has not committed yet', async () => {
    const leases = new AdmissionLeasesRepository(db.prisma, db.sql);
    const lease = await leases.open({ tenantId, apiKeyId, slots: 4, credits: 4, maxUnfinishedForKey: 100, minBalance: 8, leaseMs: 60_000 });
    expect(lease).not.toBeNull();

    await open.query('BEGIN');
    try {
      const plain = submitStatement(job('plain'));
      const [row] = (await open.query(plain.text, plain.values)).rows;
      expect(row.id).not.toBeNull(); // accepted, its transaction still open on the key's row

      // The lease's INSERT checks its foreign keys (KEY SHARE on the key's row): it must not queue behind the submit.
      const leased = await within(5_000, leases.submit(job('leased'), lease!.id, lease!.balance));
      expect(leased).not.toBe('still waiting');
      expect(leased).toMatchObject({ apiKeyId, leaseId: lease!.id });
      await open.query('COMMIT');
    } finally {
      await open.query('ROLLBACK').catch(() => undefined); // a no-op after COMMIT; frees a waiter on failure
    }
    const unfinished = await db.sql.query<{ n: number }>('SELECT unfinished_jobs AS n FROM api_keys WHERE id = $1::uuid', [apiKeyId]);
    expect(unfinished[0].n).toBe(4 + 1); // the lease's slots and the plain submit
  });

  it('still makes a second plain submit on the key wait for the first, so the cap is read after it', async () => {
    await open.query('BEGIN');
    try {
      const first = submitStatement(job('first'));
      await open.query(first.text, first.values);
      const second = submitStatement(job('second'));
      const waiting = db.sql.query<{ unfinishedBefore: number }>(second.text, second.values);
      expect(await within(500, waiting)).toBe('still waiting');
      await open.query('COMMIT');
      expect((await waiting)[0].unfinishedBefore).toBe(1);
    } finally {
      await open.query('ROLLBACK').catch(() => undefined);
    }
  });
});
