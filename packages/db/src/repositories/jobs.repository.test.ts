import { openEmbeddedDatabase } from '../embedded-database';
import { applyMigrations } from '../migrate';
import type { Database } from '../database';
import { InsufficientCreditsError } from './errors';
import { JobsRepository } from './jobs.repository';
import { LedgerRepository } from './ledger.repository';

describe('JobsRepository with the ledger (embedded)', () => {
  let db: Database;
  let jobs: JobsRepository;
  let ledger: LedgerRepository;
  let tenantId: string;

  beforeAll(async () => {
    db = await openEmbeddedDatabase();
    await applyMigrations(db.sql);
    jobs = new JobsRepository(db.prisma);
    ledger = new LedgerRepository(db.prisma);
  });
  afterAll(() => db.close());
  beforeEach(async () => {
    tenantId = (await db.prisma.tenant.create({ data: { name: `t${Math.random()}` } })).id;
    await ledger.grant(tenantId, 10);
  });

  const submit = (price: number, extra: Partial<Parameters<JobsRepository['submit']>[0]> = {}) =>
    jobs.submit({ tenantId, service: 'diffusion', kind: 'text2img', request: { prompt: 'x' }, price, ...extra });

  it('holds the price on submit, captures on success, and the ledger sums to the balance', async () => {
    const { job } = await submit(4);
    expect(await ledger.balance(tenantId)).toBe('6.000');
    expect(await jobs.start(job.id)).toBe(true);
    expect(await jobs.succeed(job.id, { ok: true }, [])).toBe(true);
    expect(await ledger.balance(tenantId)).toBe('6.000');
    expect(await ledger.ledgerSum(tenantId)).toBe('6.000');
  });

  it('a job priced by what it used keeps that much of its hold and gives the rest back, once', async () => {
    const { job } = await submit(4);
    expect(await jobs.start(job.id)).toBe(true);
    expect(await jobs.succeed(job.id, { ok: true }, [], 1.25)).toBe(true);
    expect(await jobs.succeed(job.id, { ok: true }, [], 0)).toBe(false);
    expect(await ledger.balance(tenantId)).toBe('8.750');
    expect(await ledger.ledgerSum(tenantId)).toBe('8.750');
    // Using all of it (or more) releases nothing.
    const { job: second } = await submit(2);
    expect(await jobs.succeed(second.id, {}, [], 5)).toBe(true);
    expect(await ledger.balance(tenantId)).toBe('6.750');
    expect(await ledger.ledgerSum(tenantId)).toBe('6.750');
  });

  it('releases the held credits when a job fails, once, however often failure is reported', async () => {
    const { job } = await submit(4);
    expect(await jobs.fail(job.id, 'boom')).toBe(true);
    expect(await jobs.fail(job.id, 'boom again')).toBe(false);
    expect(await jobs.succeed(job.id, {}, [])).toBe(false);
    expect(await jobs.start(job.id)).toBe(false);
    expect(await ledger.balance(tenantId)).toBe('10.000');
    expect(await ledger.ledgerSum(tenantId)).toBe('10.000');
    expect((await jobs.get(job.id))?.status).toBe('failed');
  });

  it('refuses a job the balance cannot cover and records nothing', async () => {
    await expect(submit(11)).rejects.toBeInstanceOf(InsufficientCreditsError);
    expect(await db.prisma.job.count({ where: { tenantId } })).toBe(0);
    expect(await ledger.balance(tenantId)).toBe('10.000');
  });

  it('never lets concurrent holds take the balance below zero', async () => {
    const results = await Promise.allSettled(Array.from({ length: 8 }, () => submit(3)));
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(3);
    expect(await ledger.balance(tenantId)).toBe('1.000');
    expect(await ledger.ledgerSum(tenantId)).toBe('1.000');
  });

  it('returns the first job for a repeated idempotency key', async () => {
    const first = await submit(1, { idempotencyKey: 'abc' });
    const second = await submit(1, { idempotencyKey: 'abc' });
    expect(second.created).toBe(false);
    expect(second.job.id).toBe(first.job.id);
    expect(await ledger.balance(tenantId)).toBe('9.000');
  });

  it('hides a job from another tenant', async () => {
    const { job } = await submit(1);
    const other = await db.prisma.tenant.create({ data: { name: `o${Math.random()}` } });
    expect(await jobs.getForTenant(job.id, other.id)).toBeNull();
    expect((await jobs.getForTenant(job.id, tenantId))?.id).toBe(job.id);
  });
});
