import { eventually } from '@easel/testing';
import type { JobRunner } from '@easel/worker';
import { ApiKeysService } from '../keys/api-keys.service';
import { startScriptedWorker } from '../testing/scripted-worker';
import { openTestDatabase, startTestGateway, type TestDatabase, type TestGateway } from '../testing/test-gateway';

const CREDITS = 60;
const REQUESTS = 90;

interface Answer {
  status: number;
  body: any;
}

/**
 * A storm of concurrent text2img requests through the HTTP API, a third of which the
 * (scripted) worker fails and more of which than the balance can pay for: afterwards every
 * failed job's hold was released, every success captured exactly once, nothing refused
 * left a row, the balance never went below zero and the report's rows sum to it.
 */
describe.each(['postgres', 'embedded'] as const)('the ledger after a storm of mixed outcomes (%s)', (kind) => {
  let database: TestDatabase;
  let harness: TestGateway;
  let worker: JobRunner;

  const post = async (url: string, body: Record<string, unknown>): Promise<Answer> => {
    const response = await harness.gateway.app.inject({ method: 'POST', url, headers: { 'content-type': 'application/json' }, payload: JSON.stringify(body) });
    return { status: response.statusCode, body: response.json() };
  };
  const admin = (path: string, body: Record<string, unknown>) => post(`/api/v1/enterprise/${path}`, { key: harness.gateway.bootstrap.adminKey, ...body });

  beforeAll(async () => {
    database = await openTestDatabase(kind);
    harness = await startTestGateway({ db: database.db });
    worker = await startScriptedWorker(harness, { concurrency: 4 });
  }, 60_000);
  afterAll(async () => {
    await worker?.stop(1_000);
    await harness?.close();
    await database?.close();
  });

  it('releases every failed hold, captures every success once, and balances to the last credit', async () => {
    const tenant = await admin('tenants/create', { name: `storm-${kind}`, credits: CREDITS, rate_limit_per_minute: 100_000, max_concurrent_jobs: 10_000 });
    const tenantId: string = tenant.body.tenant.id;
    const { key } = await harness.gateway.app.get(ApiKeysService).create({ tenantId, name: 'storm', scopes: ['generate'], rateLimitPerMinute: 100_000, maxConcurrentJobs: 10_000 });

    // 512×512 at 20 steps costs 1 credit a sample: the storm asks for about 135 credits of 60.
    const requests = Array.from({ length: REQUESTS }, (_, i) => ({
      key,
      prompt: i % 3 === 0 ? `please fail number ${i}` : `a red circle number ${i}`,
      width: 512,
      height: 512,
      num_inference_steps: 20,
      samples: (i % 2) + 1,
    }));
    const answers = await Promise.all(requests.map((body) => post('/api/v3/text2img', body)));

    // Accepted: processing (202), or already ended within the answer (success or failed, 200).
    const wasAccepted = (a: Answer) => (a.status === 202 || a.status === 200) && typeof a.body.id === 'number';
    const accepted = answers.flatMap((a, i) => (wasAccepted(a) ? [{ id: a.body.id as number, price: requests[i].samples, fails: requests[i].prompt.includes('fail') }] : []));
    const refused = answers.filter((a) => !wasAccepted(a));
    for (const answer of refused) expect(answer).toEqual({ status: 402, body: { status: 'error', message: 'Insufficient credits' } });
    expect(refused.length).toBeGreaterThan(0); // the balance really ran out during the storm
    expect(accepted.filter((j) => j.fails).length).toBeGreaterThan(0);
    expect(accepted.filter((j) => !j.fails).length).toBeGreaterThan(0);

    // Every accepted job ends, as the worker decided.
    await eventually(async () => {
      const rows = await harness.db.prisma.job.findMany({ where: { tenantId }, select: { status: true } });
      expect(rows.filter((r) => r.status !== 'success' && r.status !== 'failed')).toEqual([]);
    }, 30_000);
    for (const job of accepted.filter((_, i) => i % 7 === 0)) {
      const fetched = await post(`/api/v3/fetch/${job.id}`, { key });
      expect(fetched.body).toMatchObject(job.fails ? { status: 'failed', id: job.id, message: 'Failed, Try Again' } : { status: 'success', id: job.id });
    }

    const report = await admin('credits/report', { tenant_id: tenantId, limit: 10_000 });
    expect(report.body.ledger_sum).toBe(report.body.credits);
    const spent = accepted.filter((j) => !j.fails).reduce((sum, j) => sum + j.price, 0);
    expect(Number(report.body.credits)).toBe(CREDITS - spent);

    const entries: Array<{ kind: string; amount: string; balance_after: string; job_id: number | null }> = report.body.entries;
    expect(entries.every((e) => Number(e.balance_after) >= 0)).toBe(true);
    expect(entries.filter((e) => e.job_id === null)).toEqual([expect.objectContaining({ kind: 'grant', amount: `${CREDITS}.000` })]);
    expect(entries).toHaveLength(1 + 2 * accepted.length); // refused requests left no row
    const byJob = new Map<number, string[]>();
    for (const e of entries) if (e.job_id !== null) byJob.set(e.job_id, [...(byJob.get(e.job_id) ?? []), `${e.kind} ${e.amount}`]);
    for (const job of accepted) {
      const price = `${job.price}.000`;
      const settled = job.fails ? `release ${price}` : 'capture 0.000';
      expect({ job: job.id, rows: byJob.get(job.id)?.sort() }).toEqual({ job: job.id, rows: [settled, `hold -${price}`].sort() });
    }
  }, 120_000);
});
