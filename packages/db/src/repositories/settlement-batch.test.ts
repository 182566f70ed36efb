import { randomBytes } from 'node:crypto';
import type { Database } from '../database';
import { closeTestDatabase, testDatabases } from './test-databases.test-support';
import { JobsRepository } from './jobs.repository';
import { LedgerRepository } from './ledger.repository';

const targets = testDatabases('settle_batch');

/**
 * Starts and settlements that arrive together share statements (group commit): each job must still
 * be started and settled as if alone — its result and artifacts its own, its hold captured once,
 * its webhook owed once, its key counted down once — and a late duplicate must still answer false.
 */
describe.each(targets)('jobs started and settled together (%s)', (_name, open) => {
  let db: Database;
  let jobs: JobsRepository;
  let ledger: LedgerRepository;
  let tenantId: string;
  let apiKeyId: string;

  beforeAll(async () => {
    db = await open();
    jobs = new JobsRepository(db.prisma, db.sql);
    ledger = new LedgerRepository(db.prisma);
  }, 30_000);
  afterAll(() => closeTestDatabase(db));
  beforeEach(async () => {
    tenantId = (await db.prisma.tenant.create({ data: { name: `t-${randomBytes(6).toString('hex')}` } })).id;
    await ledger.grant(tenantId, 100);
    apiKeyId = (await db.prisma.apiKey.create({ data: { tenantId, prefix: `esk_${randomBytes(6).toString('hex')}`, secretHash: 'x', scopes: ['generate'] } })).id;
  });

  const submit = (n: number, webhookUrl: string | null = null) =>
    jobs.submit({ tenantId, apiKeyId, service: 'diffusion', kind: 'text2img', request: { n }, price: 2, maxUnfinishedForKey: 50, webhookUrl }).then((r) => r.job);
  const artifact = (id: number, index: number) => ({ index, storageKey: `jobs/${id}/${index}.png`, token: `tok-${id}-${index}`, contentType: 'image/png', bytes: 100 + index });
  const unfinishedOnKey = async () => (await db.prisma.apiKey.findUniqueOrThrow({ where: { id: apiKeyId } })).unfinishedJobs;

  it('each job gets its own result and artifacts, its hold captured once and its key counted down once', async () => {
    const submitted = await Promise.all([1, 2, 3, 4, 5, 6].map((n) => submit(n, n % 2 ? `https://hooks.example/${n}` : null)));
    const [gone, ...rest] = submitted;
    expect(await jobs.fail(gone!.id, 'ended before its settlement arrived')).toBe(true);
    expect(await unfinishedOnKey()).toBe(5);

    expect(await Promise.all(rest.map((j) => jobs.start(j.id)))).toEqual([true, true, true, true, true]);
    expect(await jobs.start(gone!.id)).toBe(false);
    const answers = await Promise.all([
      ...rest.map((j, i) => jobs.succeed(j.id, { n: i }, Array.from({ length: i + 1 }, (_, k) => artifact(j.id, k)))),
      jobs.succeed(rest[0]!.id, { n: 'duplicate' }, [artifact(rest[0]!.id, 9)]),
      jobs.succeed(gone!.id, { n: 'late' }, [artifact(gone!.id, 0)]),
    ]);
    expect(answers).toEqual([true, true, true, true, true, false, false]);

    for (const [i, j] of rest.entries()) {
      const row = await jobs.getForTenant(j.id, tenantId);
      expect(row).toMatchObject({ status: 'success', result: { n: i }, attempts: 1 });
      expect(row!.artifacts.map((a) => a.storageKey)).toEqual(Array.from({ length: i + 1 }, (_, k) => `jobs/${j.id}/${k}.png`));
    }
    expect((await jobs.getForTenant(gone!.id, tenantId))).toMatchObject({ status: 'failed', result: null });
    expect(await unfinishedOnKey()).toBe(0);
    // 100 granted, 2 held by each of 6 jobs, the failed one's released: 5 × 2 captured.
    expect(await ledger.balance(tenantId)).toBe('90.000');
    expect(await ledger.ledgerSum(tenantId)).toBe('90.000');
    const captures = await db.prisma.ledgerEntry.count({ where: { tenantId, kind: 'capture' } });
    expect(captures).toBe(5);
    const webhooks = await db.prisma.webhookDelivery.findMany({ where: { jobId: { in: submitted.map((j) => j.id) } } });
    // jobs 1, 3, 5 asked for one: the failed job 1's and the settled 3's and 5's, each once
    const ascending = (ids: number[]) => [...ids].sort((x, y) => x - y);
    expect(ascending(webhooks.map((w) => w.jobId))).toEqual(ascending([submitted[0]!.id, submitted[2]!.id, submitted[4]!.id]));
  });

  it('a job priced by what it used, settled beside others, gives back exactly the rest of its hold', async () => {
    const [a, b, c] = await Promise.all([1, 2, 3].map((n) => submit(n)));
    const answers = await Promise.all([jobs.succeed(a!.id, {}, []), jobs.succeed(b!.id, {}, [], 0.5), jobs.succeed(c!.id, {}, [])]);
    expect(answers).toEqual([true, true, true]);
    expect(await ledger.balance(tenantId)).toBe('95.500');
    expect(await ledger.ledgerSum(tenantId)).toBe('95.500');
    expect(await unfinishedOnKey()).toBe(0);
  });

  it('a result the database refuses (a NUL in a string) fails its own settlement only, not the ones written with it', async () => {
    const [a, b, c, d] = await Promise.all([1, 2, 3, 4].map((n) => submit(n)));
    const answers = await Promise.allSettled([
      jobs.succeed(a!.id, { n: 1 }, []),
      jobs.succeed(b!.id, { n: 2 }, []),
      jobs.succeed(c!.id, { text: 'a\u0000b' }, []),
      jobs.succeed(d!.id, { n: 4 }, []),
    ]);
    expect(answers.map((r) => r.status)).toEqual(['fulfilled', 'fulfilled', 'rejected', 'fulfilled']);
    expect(answers.filter((r) => r.status === 'fulfilled').map((r) => r.value)).toEqual([true, true, true]);
    expect((await jobs.get(c!.id))?.status).toBe('queued');
    expect(await unfinishedOnKey()).toBe(1);
    expect(await ledger.balance(tenantId)).toBe(await ledger.ledgerSum(tenantId));
  });
});
