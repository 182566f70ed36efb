import { randomBytes } from 'node:crypto';
import {
  applyMigrations,
  ConcurrencyLimitError,
  JobsRepository,
  LedgerRepository,
  openEmbeddedDatabase,
  openPostgresDatabase,
  type Database,
} from '@easel/db';

const POSTGRES_URL = process.env.TEST_DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/test';

const targets: Array<[string, () => Promise<Database>]> = [
  ['embedded PGlite', () => openEmbeddedDatabase()],
  ['PostgreSQL', () => openPostgresDatabase({ url: `${POSTGRES_URL}?schema=limits_${randomBytes(4).toString('hex')}`, maxConnections: 10 })],
];

/** JobsRepository.submit's `maxUnfinishedForKey`: the concurrent-jobs limit, enforced on the key's counter under its row lock. */
describe.each(targets)('concurrent jobs per key on %s', (_name, open) => {
  let db: Database;
  let jobs: JobsRepository;
  let tenantId: string;

  beforeAll(async () => {
    db = await open();
    await applyMigrations(db.sql);
    jobs = new JobsRepository(db.prisma);
  }, 30_000);
  afterAll(async () => {
    if (db.kind === 'postgres') {
      const [{ schema }] = await db.sql.query<{ schema: string }>('SELECT current_schema() AS schema');
      await db.sql.exec(`DROP SCHEMA "${schema}" CASCADE`);
    }
    await db.close();
  });
  beforeEach(async () => {
    tenantId = (await db.prisma.tenant.create({ data: { name: `t-${randomBytes(6).toString('hex')}` } })).id;
    await new LedgerRepository(db.prisma).grant(tenantId, 1000);
  });

  const newKey = async () =>
    (await db.prisma.apiKey.create({ data: { tenantId, prefix: `esk_${randomBytes(6).toString('hex')}`, secretHash: 'x', scopes: ['generate'] } })).id;
  const submit = (apiKeyId: string, max: number | null) =>
    jobs.submit({ tenantId, apiKeyId, service: 'diffusion', kind: 'text2img', request: { prompt: 'x' }, price: 1, maxUnfinishedForKey: max });

  it('answers with the row as the database holds it, on the one-statement path and the idempotent one, and a price of 0 leaves no ledger row', async () => {
    const key = await newKey();
    const fields = { tenantId, apiKeyId: key, service: 'diffusion', kind: 'text2img', request: { prompt: 'x', nested: { n: [1, 'two', null] } }, trackId: 't-1', webhookUrl: 'https://hooks.example.com/x', modelId: 'easel-tiny' };
    const direct = new JobsRepository(db.prisma, db.sql); // the gateway's: the no-transaction path through the driver
    for (const [repository, extra] of [
      [jobs, { price: 1.25, maxUnfinishedForKey: 5 }],
      [jobs, { price: 2, maxUnfinishedForKey: null }],
      [direct, { price: 2.5, maxUnfinishedForKey: null }],
      [direct, { price: 0.75, maxUnfinishedForKey: 10 }],
      [jobs, { price: 0.5, idempotencyKey: `idem-${randomBytes(3).toString('hex')}` }],
      [direct, { price: 0 }],
    ] as const) {
      const { job, created } = await repository.submit({ ...fields, ...extra });
      expect(created).toBe(true);
      expect(job).toEqual(await db.prisma.job.findUnique({ where: { id: job.id } }));
      expect(job.creditsHeld.toFixed(3)).toBe(extra.price.toFixed(3));
      const holds = await db.prisma.ledgerEntry.findMany({ where: { jobId: job.id } });
      expect(holds.map((h) => [h.kind, h.amount.toFixed(3)])).toEqual(extra.price > 0 ? [['hold', (-extra.price).toFixed(3)]] : []);
    }
    expect(await new LedgerRepository(db.prisma).ledgerSum(tenantId)).toBe(await new LedgerRepository(db.prisma).balance(tenantId));
  });

  it('accepts exactly the limit out of 20 parallel submits, and records and charges nothing for the rest', async () => {
    const key = await newKey();
    const results = await Promise.allSettled(Array.from({ length: 20 }, () => submit(key, 3)));
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(3);
    const refused = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(refused).toHaveLength(17);
    for (const r of refused) {
      expect(r.reason).toBeInstanceOf(ConcurrencyLimitError);
      expect(r.reason).toMatchObject({ limit: 3, unfinished: 3 });
    }
    expect(await jobs.countUnfinished({ apiKeyId: key })).toBe(3);
    expect(await new LedgerRepository(db.prisma).balance(tenantId)).toBe('997.000');
  });

  it('frees a place when a job ends, and counts running jobs as unfinished', async () => {
    const key = await newKey();
    const first = (await submit(key, 2)).job;
    const second = (await submit(key, 2)).job;
    await expect(submit(key, 2)).rejects.toBeInstanceOf(ConcurrencyLimitError);
    expect(await jobs.start(first.id)).toBe(true);
    await expect(submit(key, 2)).rejects.toBeInstanceOf(ConcurrencyLimitError);
    await jobs.succeed(first.id, {}, []);
    await jobs.fail(second.id, 'boom');
    const results = await Promise.allSettled(Array.from({ length: 10 }, () => submit(key, 2)));
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(2);
  });

  it('keeps keys apart, and leaves a submit without a limit alone', async () => {
    const [a, b] = [await newKey(), await newKey()];
    const results = await Promise.allSettled([
      ...Array.from({ length: 10 }, () => submit(a, 1)),
      ...Array.from({ length: 10 }, () => submit(b, 4)),
    ]);
    expect(results.slice(0, 10).filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    expect(results.slice(10).filter((r) => r.status === 'fulfilled')).toHaveLength(4);
    await expect(submit(a, null)).resolves.toMatchObject({ created: true });
  });

  it('keeps the key\'s counter equal to its unfinished jobs through parallel submits on every path and settlements', async () => {
    const key = await newKey();
    const direct = new JobsRepository(db.prisma, db.sql);
    const submits = Array.from({ length: 24 }, (_, i) =>
      (i % 2 ? direct : jobs).submit({
        tenantId, apiKeyId: key, service: 'diffusion', kind: 'text2img', request: { prompt: 'x' }, price: 1,
        maxUnfinishedForKey: i % 3 ? 10 : null,
        idempotencyKey: i % 4 === 0 ? `count-${i}-${randomBytes(3).toString('hex')}` : null,
      }),
    );
    const accepted = (await Promise.allSettled(submits)).flatMap((r) => (r.status === 'fulfilled' ? [r.value.job] : []));
    const counter = async () => (await db.prisma.apiKey.findUniqueOrThrow({ where: { id: key } })).unfinishedJobs;
    expect(await counter()).toBe(await jobs.countUnfinished({ apiKeyId: key }));
    await Promise.all(accepted.map((job, i) => (i % 2 ? jobs.succeed(job.id, {}, []) : jobs.fail(job.id, 'boom'))));
    await Promise.all(accepted.map((job) => jobs.fail(job.id, 'reported twice')));
    expect(await counter()).toBe(0);
    expect(await new LedgerRepository(db.prisma).ledgerSum(tenantId)).toBe(await new LedgerRepository(db.prisma).balance(tenantId));
  });
});
