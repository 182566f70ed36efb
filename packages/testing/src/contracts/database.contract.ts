import { applyMigrations, findSchemaDrift, InsufficientCreditsError, JobsRepository, LedgerRepository, type Database } from '@easel/db';

export interface DatabaseContractTarget {
  /** A fresh, empty database (schema) for this suite. */
  create(): Promise<Database>;
  /** Drops what `create` made. */
  cleanup?(db: Database): Promise<void>;
}

/**
 * The database access layer's contract: the same migrations give the schema Prisma
 * describes, and the repositories keep their promises (credits never below zero, one
 * settlement per job, idempotency keys) on every implementation — PGlite embedded and
 * PostgreSQL.
 */
export function databaseContract(name: string, target: DatabaseContractTarget): void {
  describe(`Database contract: ${name}`, () => {
    let db: Database;
    let jobs: JobsRepository;
    let ledger: LedgerRepository;
    let tenantId: string;

    beforeAll(async () => {
      db = await target.create();
      expect((await applyMigrations(db.sql)).length).toBeGreaterThan(0);
      jobs = new JobsRepository(db.prisma);
      ledger = new LedgerRepository(db.prisma);
    });
    afterAll(async () => {
      await target.cleanup?.(db);
      await db.close();
    });
    beforeEach(async () => {
      tenantId = (await db.prisma.tenant.create({ data: { name: `t-${Math.random()}` } })).id;
      await ledger.grant(tenantId, 10, 'test credits');
    });

    const submit = (price: number, idempotencyKey?: string) =>
      jobs.submit({ tenantId, service: 'diffusion', kind: 'text2img', request: { prompt: 'x' }, price, idempotencyKey });

    it('migrates to exactly the schema in schema.prisma, and a second run applies nothing', async () => {
      expect(await findSchemaDrift(db.sql)).toEqual([]);
      expect(await applyMigrations(db.sql)).toEqual([]);
    });

    it('never lets concurrent jobs spend more credits than the balance holds', async () => {
      const results = await Promise.allSettled(Array.from({ length: 8 }, () => submit(3)));
      const accepted = results.filter((r) => r.status === 'fulfilled');
      expect(accepted).toHaveLength(3);
      for (const r of results) if (r.status === 'rejected') expect(r.reason).toBeInstanceOf(InsufficientCreditsError);
      expect(await ledger.balance(tenantId)).toBe('1.000');
      expect(await ledger.ledgerSum(tenantId)).toBe('1.000');
    });

    it('settles a job once: a second success or failure report changes nothing', async () => {
      const { job } = await submit(4);
      expect(await jobs.start(job.id)).toBe(true);
      const outcomes = await Promise.all([jobs.succeed(job.id, { ok: 1 }, []), jobs.fail(job.id, 'late'), jobs.fail(job.id, 'later')]);
      expect(outcomes.filter(Boolean)).toHaveLength(1);
      const settled = await jobs.get(job.id);
      expect(await ledger.balance(tenantId)).toBe(settled?.status === 'success' ? '6.000' : '10.000');
      expect(await ledger.ledgerSum(tenantId)).toBe(await ledger.balance(tenantId));
      expect(await jobs.start(job.id)).toBe(false);
    });

    it('returns the first job for a repeated idempotency key, even when the repeats race', async () => {
      const results = await Promise.all(Array.from({ length: 4 }, () => submit(1, 'idem-1')));
      expect(new Set(results.map((r) => r.job.id)).size).toBe(1);
      expect(results.filter((r) => r.created)).toHaveLength(1);
      expect(await ledger.balance(tenantId)).toBe('9.000');
    });

    it('lists unfinished jobs for recovery after a restart', async () => {
      const a = (await submit(1)).job;
      const b = (await submit(1)).job;
      await jobs.start(b.id);
      const c = (await submit(1)).job;
      await jobs.fail(c.id, 'x');
      const unfinished = (await jobs.unfinished()).filter((j) => j.tenantId === tenantId).map((j) => [j.id, j.status]);
      expect(unfinished).toEqual([
        [a.id, 'queued'],
        [b.id, 'running'],
      ]);
    });
  });
}
