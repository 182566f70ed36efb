import { randomBytes } from 'node:crypto';
import type { Database } from '../database';
import { closeTestDatabase, testDatabases } from './test-databases.test-support';
import { AdmissionLeasesRepository } from './admission-leases.repository';
import { SpamRefusedError } from './errors';
import { LedgerRepository } from './ledger.repository';
import type { SubmitJobInput } from './jobs.repository';

const targets = testDatabases('lease_batch');

/**
 * Jobs submitted under admission leases at the same moment share statements (group commit): each
 * must still be accepted or refused as if alone — under its own lease, with its own hold row and
 * balance, refused for its own spam mark or closed lease — and a value the database refuses must
 * fail its own submit only.
 */
describe.each(targets)('jobs submitted under leases together (%s)', (_name, open) => {
  let db: Database;
  let leases: AdmissionLeasesRepository;
  let tenantId: string;
  let apiKeyId: string;
  let statements: number;

  beforeAll(async () => {
    db = await open();
    leases = new AdmissionLeasesRepository(db.prisma, db.sql);
    const executor = db.sql as unknown as { query: (...args: unknown[]) => Promise<unknown> };
    const query = executor.query.bind(executor);
    executor.query = (...args: unknown[]) => {
      if (String(args[0]).includes('jsonb_to_recordset')) statements++;
      return query(...args);
    };
  }, 30_000);
  afterAll(() => closeTestDatabase(db));
  beforeEach(async () => {
    statements = 0;
    tenantId = (await db.prisma.tenant.create({ data: { name: `t-${randomBytes(6).toString('hex')}` } })).id;
    await new LedgerRepository(db.prisma).grant(tenantId, 100);
    apiKeyId = (await db.prisma.apiKey.create({ data: { tenantId, prefix: `esk_${randomBytes(6).toString('hex')}`, secretHash: 'x', scopes: ['generate'] } })).id;
  });

  const now = new Date();
  const job = (request: Record<string, string | number>, spamBucket?: string): SubmitJobInput => ({
    tenantId,
    apiKeyId,
    service: 'diffusion',
    kind: 'text2img',
    request,
    price: 2,
    maxUnfinishedForKey: 50,
    spamMark: spamBucket ? { bucket: spamBucket, windowEndsAt: new Date(now.getTime() + 30_000), now } : null,
  });
  const openLease = async (slots: number) =>
    (await leases.open({ tenantId, apiKeyId, slots, credits: 2 * slots, maxUnfinishedForKey: 50, minBalance: 2 * slots, leaseMs: 60_000 }))!;
  const outcome = (p: Promise<unknown>) =>
    p.then(
      (job) => (job === null ? 'not inserted' : { request: (job as { request: unknown }).request, leaseId: (job as { leaseId: number }).leaseId }),
      (error: Error) => (error instanceof SpamRefusedError ? 'spam' : error.message),
    );

  it('each job is accepted or refused as if alone, with its own lease and hold row', async () => {
    const [a, b] = [await openLease(10), await openLease(10)];
    const closed = await openLease(2);
    expect(await leases.close(closed.id)).toBe(true);
    const live = `spam-${randomBytes(4).toString('hex')}`;
    await leases.submit(job({ n: 'first' }, live), a.id, 80); // its mark is live for 30 s
    statements = 0;

    const twin = `twin-${randomBytes(4).toString('hex')}`;
    const answers = await Promise.all([
      outcome(leases.submit(job({ n: 1 }), a.id, 81)),
      outcome(leases.submit(job({ n: 2 }, `own-${randomBytes(4).toString('hex')}`), b.id, 82)),
      outcome(leases.submit(job({ n: 3 }), closed.id, 83)),
      outcome(leases.submit(job({ n: 4 }, live), a.id, 84)),
      outcome(leases.submit(job({ n: 5 }, twin), b.id, 85)),
      outcome(leases.submit(job({ n: 6 }, twin), a.id, 86)),
      outcome(leases.submit(job({ n: 7 }), b.id, 87)),
    ]);
    expect(answers).toEqual([
      { request: { n: 1 }, leaseId: a.id },
      { request: { n: 2 }, leaseId: b.id },
      'not inserted', // its lease was closed
      'spam', // the first job's mark is live
      { request: { n: 5 }, leaseId: b.id },
      'spam', // the same body as job 5, a moment later
      { request: { n: 7 }, leaseId: b.id },
    ]);
    // the first call went alone; the six that waited went in one statement, which PostgreSQL refused for the
    // twin marks (ON CONFLICT touches their row twice), and then one by one
    expect(statements).toBe(1 + 1 + 6);

    const holds = await db.prisma.ledgerEntry.findMany({ where: { tenantId, kind: 'hold' }, include: { job: true } });
    const byRequest = Object.fromEntries(holds.map((h) => [String((h.job!.request as { n: unknown }).n), [h.amount.toString(), h.balanceAfter.toString()]]));
    expect(byRequest).toEqual({ first: ['-2', '80'], 1: ['-2', '81'], 2: ['-2', '82'], 5: ['-2', '85'], 7: ['-2', '87'] });
  });

  it('shares one statement among submits that arrive while one is written, each with its own id', async () => {
    const lease = await openLease(20);
    const jobs = await Promise.all(Array.from({ length: 8 }, (_, n) => leases.submit(job({ n }), lease.id, 90)));
    expect(jobs.map((j) => (j!.request as { n: number }).n)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(new Set(jobs.map((j) => j!.id)).size).toBe(8);
    for (const j of jobs) expect((await db.prisma.job.findUniqueOrThrow({ where: { id: j!.id } })).request).toEqual(j!.request);
    expect(statements).toBe(2); // the first alone, the seven that waited for it together
  });

  it('a request the database refuses (a NUL in a string) fails its own submit only', async () => {
    const lease = await openLease(10);
    const answers = await Promise.all([
      outcome(leases.submit(job({ n: 1 }), lease.id, 90)),
      outcome(leases.submit(job({ n: 2 }), lease.id, 90)),
      outcome(leases.submit(job({ n: 'bad\u0000' }), lease.id, 90)),
      outcome(leases.submit(job({ n: 4 }), lease.id, 90)),
    ]);
    expect(answers[0]).toEqual({ request: { n: 1 }, leaseId: lease.id });
    expect(answers[1]).toEqual({ request: { n: 2 }, leaseId: lease.id });
    expect(answers[2]).toMatch(/unicode|\\u0000|null character/i);
    expect(answers[3]).toEqual({ request: { n: 4 }, leaseId: lease.id });
  });
});
