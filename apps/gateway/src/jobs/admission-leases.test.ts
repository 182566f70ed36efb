import { randomBytes } from 'node:crypto';
import { AdmissionLeasesRepository, ConcurrencyLimitError, JobsRepository, LedgerRepository, type Database } from '@easel/db';
import { openTestDatabase, type TestDatabase } from '../testing/test-gateway';
import { AdmissionLeasesService } from './admission-leases.service';

/** Two gateway replicas admitting a busy key's jobs under admission leases, on one PostgreSQL database. */
describe('admission leases (PostgreSQL, two replicas)', () => {
  let database: TestDatabase;
  let db: Database;
  let ledger: LedgerRepository;
  let jobs: JobsRepository;
  let replicas: AdmissionLeasesService[];
  let tenantId: string;

  beforeAll(async () => {
    database = await openTestDatabase('postgres');
    db = database.db;
    ledger = new LedgerRepository(db.prisma);
    jobs = new JobsRepository(db.prisma, db.sql);
  }, 30_000);
  afterAll(() => database.close());
  beforeEach(async () => {
    tenantId = (await db.prisma.tenant.create({ data: { name: `t-${randomBytes(6).toString('hex')}` } })).id;
    await ledger.grant(tenantId, 100_000);
    replicas = [new AdmissionLeasesService(db), new AdmissionLeasesService(db)];
  });
  afterEach(async () => {
    for (const replica of replicas) await replica.onModuleDestroy();
  });

  const newKey = async () =>
    (await db.prisma.apiKey.create({ data: { tenantId, prefix: `esk_${randomBytes(6).toString('hex')}`, secretHash: 'x', scopes: ['generate'] } })).id;
  const submit = (replica: AdmissionLeasesService, apiKeyId: string, cap: number | null, price = 2) =>
    replica.submit({ tenantId, apiKeyId, service: 'diffusion', kind: 'text2img', request: { prompt: 'x' }, price, maxUnfinishedForKey: cap });
  const rawBalance = async () => (await db.prisma.tenant.findUniqueOrThrow({ where: { id: tenantId } })).balance.toFixed(3);
  const counter = async (key: string) => (await db.prisma.apiKey.findUniqueOrThrow({ where: { id: key } })).unfinishedJobs;

  it('admits under leases, keeps balance = ledger while they are open, and gives back the unused part when they close', async () => {
    const key = await newKey();
    const accepted = await Promise.all(Array.from({ length: 300 }, (_, i) => submit(replicas[i % 2], key, 64 * 200)));
    expect(accepted.every((a) => a.created)).toBe(true);
    expect(await db.prisma.admissionLease.count()).toBeGreaterThan(0);
    const leased = await db.sql.query<{ n: number }>('SELECT count(*)::int AS n FROM jobs WHERE lease_id IS NOT NULL AND tenant_id = $1', [tenantId]);
    expect(leased[0].n).toBeGreaterThan(250); // the point: most jobs did not touch the key's or the tenant's row
    expect(await ledger.balance(tenantId)).toBe((100_000 - 600).toFixed(3));
    expect(await ledger.ledgerSum(tenantId)).toBe(await ledger.balance(tenantId));

    for (const { job } of accepted.slice(0, 100)) await jobs.fail(job.id, 'boom');
    for (const replica of replicas) await replica.onModuleDestroy();
    expect(await db.prisma.admissionLease.count({ where: { tenantId } })).toBe(0);
    expect(await rawBalance()).toBe((100_000 - 400).toFixed(3));
    expect(await ledger.ledgerSum(tenantId)).toBe(await rawBalance());
    expect(await counter(key)).toBe(await jobs.countUnfinished({ apiKeyId: key }));
  });

  it('never admits past the cap together, and holds back at most a lease from each replica', async () => {
    const key = await newKey();
    const cap = 64 * 4; // leases of 4
    const results = await Promise.allSettled(Array.from({ length: 320 }, (_, i) => submit(replicas[i % 2], key, cap)));
    const accepted = results.filter((r) => r.status === 'fulfilled').length;
    expect(accepted).toBeLessThanOrEqual(cap);
    expect(accepted).toBeGreaterThanOrEqual(cap - 2 * 4);
    for (const r of results) if (r.status === 'rejected') expect(r.reason).toBeInstanceOf(ConcurrencyLimitError);
    for (const replica of replicas) await replica.onModuleDestroy();
    expect(await counter(key)).toBe(accepted);
  });

  it('gives back what a lease of a replica that died holds once it expires', async () => {
    const key = await newKey();
    const leases = new AdmissionLeasesRepository(db.prisma, db.sql);
    const lease = await leases.open({ tenantId, apiKeyId: key, slots: 10, credits: 20, maxUnfinishedForKey: null, minBalance: 20, leaseMs: 30_000 });
    expect(lease).not.toBeNull();
    expect(await leases.submit({ tenantId, apiKeyId: key, service: 'diffusion', kind: 'text2img', request: {}, price: 2 }, lease!.id, 0)).not.toBeNull();
    expect(await rawBalance()).toBe((100_000 - 20).toFixed(3));
    expect(await counter(key)).toBe(10);
    // The replica is gone; its lease expires and any replica closes it.
    await db.sql.query('UPDATE admission_leases SET expires_at = now() - interval \'1 second\' WHERE id = $1', [lease!.id]);
    expect(await leases.submit({ tenantId, apiKeyId: key, service: 'diffusion', kind: 'text2img', request: {}, price: 2 }, lease!.id, 0)).toBeNull();
    expect(await leases.closeExpired()).toBe(1);
    expect(await leases.close(lease!.id)).toBe(false);
    expect(await rawBalance()).toBe((100_000 - 2).toFixed(3));
    expect(await ledger.ledgerSum(tenantId)).toBe(await rawBalance());
    expect(await counter(key)).toBe(1);
  });

  it('admits a job on its own when the balance cannot cover a lease', async () => {
    tenantId = (await db.prisma.tenant.create({ data: { name: `t-${randomBytes(6).toString('hex')}` } })).id;
    await ledger.grant(tenantId, 10);
    const key = await newKey();
    const { job } = await submit(replicas[0], key, null, 3);
    expect(job.leaseId).toBeNull();
    expect(await rawBalance()).toBe('7.000');
  });
});
