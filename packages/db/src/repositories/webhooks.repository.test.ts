import type { Database } from '../database';
import { closeTestDatabase, testDatabases } from './test-databases.test-support';
import { JobsRepository } from './jobs.repository';
import { WebhooksRepository } from './webhooks.repository';

const targets = testDatabases('webhooks_repo');

describe.each(targets)('WebhooksRepository, the outbox (%s)', (_name, open) => {
  let db: Database;
  let jobs: JobsRepository;
  let webhooks: WebhooksRepository;
  let tenantId: string;

  beforeAll(async () => {
    db = await open();
    jobs = new JobsRepository(db.prisma);
    webhooks = new WebhooksRepository(db.prisma);
  });
  afterAll(() => closeTestDatabase(db));
  beforeEach(async () => {
    // Each test sees only its own deliveries: earlier ones are settled out of the way.
    await db.prisma.webhookDelivery.updateMany({ where: { status: 'pending' }, data: { status: 'failed' } });
    tenantId = (await db.prisma.tenant.create({ data: { name: `t${Math.random()}` } })).id;
  });

  const submit = (webhookUrl: string | null) =>
    jobs
      .submit({
        tenantId,
        service: 'diffusion',
        kind: 'text2img',
        request: { prompt: 'x' },
        price: 0,
        webhookUrl,
      })
      .then((r) => r.job);

  it('owes one webhook per ended job that has a URL, inserted with the settling, never twice', async () => {
    const succeeded = await submit('https://example.com/hook');
    const failed = await submit('https://example.com/other');
    const silent = await submit(null);
    expect(await jobs.succeed(succeeded.id, { ok: true }, [])).toBe(true);
    expect(await jobs.fail(failed.id, 'boom')).toBe(true);
    expect(await jobs.succeed(silent.id, { ok: true }, [])).toBe(true);
    // Late duplicates settle nothing and owe nothing.
    expect(await jobs.fail(succeeded.id, 'late')).toBe(false);
    expect(await jobs.succeed(failed.id, {}, [])).toBe(false);

    const rows = await db.prisma.webhookDelivery.findMany({
      where: { job: { tenantId } },
      orderBy: { id: 'asc' },
    });
    expect(rows.map((r) => [r.jobId, r.url, r.status, r.attempts, r.payload])).toEqual([
      [succeeded.id, 'https://example.com/hook', 'pending', 0, {}],
      [failed.id, 'https://example.com/other', 'pending', 0, {}],
    ]);
  });

  it('settles nothing and owes nothing when the outbox insert fails: one transaction', async () => {
    // A constraint makes the outbox insert fail inside the settling transaction.
    await db.sql.exec(
      `ALTER TABLE webhook_deliveries ADD CONSTRAINT refuse_one CHECK (url <> 'https://refused.example/')`,
    );
    try {
      const job = await submit('https://refused.example/');
      await expect(jobs.succeed(job.id, { ok: true }, [])).rejects.toThrow();
      expect((await jobs.get(job.id))?.status).toBe('queued');
      expect(await db.prisma.webhookDelivery.count({ where: { jobId: job.id } })).toBe(0);
    } finally {
      await db.sql.exec('ALTER TABLE webhook_deliveries DROP CONSTRAINT refuse_one');
    }
  });

  it('claims a due delivery once, leases it, and retries it after a failed attempt', async () => {
    const job = await submit('https://example.com/hook');
    await jobs.fail(job.id, 'boom');

    const [claimed] = await webhooks.claimDue(10, 60_000);
    expect(claimed).toMatchObject({
      jobId: job.id,
      tenantId,
      url: 'https://example.com/hook',
      payload: {},
      attempts: 1,
    });
    expect(await webhooks.claimDue(10, 60_000)).toEqual([]); // leased

    await webhooks.savePayload(claimed.id, 1, { status: 'failed', id: job.id });
    expect(
      await webhooks.markAttemptFailed(claimed.id, 1, {
        statusCode: 500,
        error: 'http_status: HTTP 500',
        retryInMs: 0,
      }),
    ).toBe(true);
    const [again] = await webhooks.claimDue(10, 60_000);
    expect(again).toMatchObject({ id: claimed.id, attempts: 2, payload: { status: 'failed', id: job.id } });

    // The first attempt's report comes too late: the second attempt owns the row now.
    expect(await webhooks.markDelivered(claimed.id, 1, 200)).toBe(false);
    expect(await webhooks.markDelivered(claimed.id, 2, 204)).toBe(true);

    const log = await webhooks.logForJob(tenantId, job.id);
    expect(log).toHaveLength(1);
    expect(log![0]).toMatchObject({ status: 'delivered', attempts: 2, lastStatusCode: 204, lastError: null });
    expect(log![0].deliveredAt).toBeInstanceOf(Date);
  });

  it('gives up as failed when told not to retry, keeping the last error', async () => {
    const job = await submit('http://10.0.0.1/hook');
    await jobs.succeed(job.id, {}, []);
    const [claimed] = await webhooks.claimDue(10, 60_000);
    expect(
      await webhooks.markAttemptFailed(claimed.id, 1, {
        statusCode: null,
        error: 'blocked_address: private',
        retryInMs: null,
      }),
    ).toBe(true);
    expect(await webhooks.claimDue(10, 0)).toEqual([]);
    expect((await webhooks.logForJob(tenantId, job.id))![0]).toMatchObject({
      status: 'failed',
      attempts: 1,
      lastStatusCode: null,
      lastError: 'blocked_address: private',
    });
  });

  it('never hands one delivery to two concurrent claimers', async () => {
    const ids: number[] = [];
    for (let i = 0; i < 12; i++) {
      const job = await submit(`https://example.com/${i}`);
      await jobs.succeed(job.id, {}, []);
      ids.push(job.id);
    }
    const batches = await Promise.all(Array.from({ length: 6 }, () => webhooks.claimDue(3, 60_000)));
    const claimedJobs = batches.flat().map((d) => d.jobId);
    expect(new Set(claimedJobs).size).toBe(claimedJobs.length);
    expect(claimedJobs.sort((a, b) => a - b)).toEqual(ids);
  });

  it("shows a job's log to its own tenant only", async () => {
    const job = await submit('https://example.com/hook');
    await jobs.succeed(job.id, {}, []);
    const other = await db.prisma.tenant.create({ data: { name: `o${Math.random()}` } });
    expect(await webhooks.logForJob(other.id, job.id)).toBeNull();
    expect(await webhooks.logForJob(tenantId, job.id)).toHaveLength(1);
    expect(await webhooks.logForJob(tenantId, 999_999_999)).toBeNull();
  });
});
