import type { Gateway } from '../gateway';
import { ApiKeysService } from '../keys/api-keys.service';
import { openTestDatabase, startTestGateway, type TestDatabase, type TestGateway } from '../testing/test-gateway';

const SPAM_BODY = {
  status: 'error',
  message: 'Rate limit exceeded',
  tips: 'you are sending same request multiple times, spam filter is enabled, please wait for 30 seconds and try again',
};

interface Answer {
  status: number;
  headers: Record<string, unknown>;
  body: Record<string, any>;
}

/**
 * The gateway's per-key limits over HTTP, on the embedded database (counters in memory) and
 * on PostgreSQL (counters in the database, as replicas share them), with no worker: jobs
 * stay queued, so the concurrent-jobs limit can be watched filling up.
 */
describe.each(['embedded', 'postgres'] as const)('per-key limits, end to end (%s)', (kind) => {
  let database: TestDatabase;
  let harness: TestGateway;
  let gateway: Gateway;
  let keys: ApiKeysService;
  let tenantId: string;
  let adminKey: string;

  beforeAll(async () => {
    database = await openTestDatabase(kind);
    harness = await startTestGateway({ db: database.db });
    gateway = harness.gateway;
    adminKey = gateway.bootstrap.adminKey!;
    tenantId = gateway.bootstrap.tenantId;
    keys = gateway.app.get(ApiKeysService);
  }, 60_000);

  afterAll(async () => {
    await harness?.close();
    await database?.close();
  });

  const post = async (body: Record<string, unknown>, headers: Record<string, string> = {}): Promise<Answer> => {
    const response = await gateway.app.inject({
      method: 'POST',
      url: '/api/v3/text2img',
      headers: { 'content-type': 'application/json', ...headers },
      payload: JSON.stringify(body),
    });
    return { status: response.statusCode, headers: response.headers, body: response.json() };
  };
  const newKey = async (limits: { rateLimitPerMinute?: number; maxConcurrentJobs?: number } = {}) =>
    (await keys.create({ tenantId, name: 'limits test', scopes: ['generate'], ...limits })).key;
  const retryAfter = (answer: Answer) => Number(answer.headers['retry-after']);
  const accepted = (answer: Answer) => answer.status < 300 && ['processing', 'success'].includes(answer.body.status);

  describe('spam filter', () => {
    it('refuses the same body from the same key within 30 s with the exact body, 429 and Retry-After', async () => {
      const key = await newKey();
      const body = { key, prompt: 'a red circle', width: '64', height: '64', samples: 1, num_inference_steps: '2' };
      const first = await post(body);
      expect(accepted(first)).toBe(true);
      const second = await post({ ...body });
      expect(second.status).toBe(429);
      expect(second.body).toEqual(SPAM_BODY);
      expect(retryAfter(second)).toBeGreaterThanOrEqual(1);
      expect(retryAfter(second)).toBeLessThanOrEqual(30);
    });

    it('treats key order as irrelevant, and a changed field as a new request', async () => {
      const key = await newKey();
      expect(accepted(await post({ key, prompt: 'a blue square', width: 64, height: 64, num_inference_steps: 2 }))).toBe(true);
      const reordered = await post({ num_inference_steps: 2, height: 64, width: 64, prompt: 'a blue square', key });
      expect(reordered.status).toBe(429);
      expect(reordered.body).toEqual(SPAM_BODY);
      expect(accepted(await post({ key, prompt: 'a blue square', width: 64, height: 64, num_inference_steps: 3 }))).toBe(true);
    });

    it('does not count a request that failed validation', async () => {
      const key = await newKey();
      const bad = { key, prompt: 'a green triangle', width: 'wide', num_inference_steps: 2 };
      expect((await post(bad)).status).toBe(422);
      const again = await post(bad);
      expect(again.status).toBe(422);
      expect(again.body.message).toHaveProperty('width');
    });

    it('lets a repeat with the same Idempotency-Key through, answering with the first job', async () => {
      const key = await newKey();
      const body = { key, prompt: 'a yellow star', width: 64, height: 64, num_inference_steps: 2 };
      const first = await post(body, { 'idempotency-key': 'order-42' });
      const repeat = await post(body, { 'idempotency-key': 'order-42' });
      expect(accepted(first)).toBe(true);
      expect(accepted(repeat)).toBe(true);
      expect(repeat.body.id).toBe(first.body.id);
    });

    it('keeps keys apart: the same prompt from another key is not spam', async () => {
      const [a, b] = [await newKey(), await newKey()];
      const fields = { prompt: 'two purple dots', width: 64, height: 64, num_inference_steps: 2 };
      expect(accepted(await post({ key: a, ...fields }))).toBe(true);
      expect(accepted(await post({ key: b, ...fields }))).toBe(true);
    });

    it('does not count a repeat it refused against the requests per minute', async () => {
      const key = await newKey({ rateLimitPerMinute: 3 });
      const body = (prompt: string) => ({ key, prompt, width: 64, height: 64 });
      expect(accepted(await post(body('spam counted once')))).toBe(true);
      for (let i = 0; i < 4; i++) expect((await post(body('spam counted once'))).body).toEqual(SPAM_BODY);
      expect(accepted(await post(body('second of three')))).toBe(true);
      expect(accepted(await post(body('third of three')))).toBe(true);
      expect((await post(body('fourth'))).body.tips).toContain('3 requests per minute');
    });
  });

  describe('concurrent jobs per key', () => {
    it('accepts exactly the limit out of 50 parallel requests and answers the rest 429 with the limit and Retry-After', async () => {
      const key = await newKey({ maxConcurrentJobs: 3 });
      const answers = await Promise.all(
        Array.from({ length: 50 }, (_, i) => post({ key, prompt: `circle number ${i}`, width: 64, height: 64, num_inference_steps: 2 })),
      );
      expect(answers.filter(accepted)).toHaveLength(3);
      const refused = answers.filter((a) => !accepted(a));
      expect(refused).toHaveLength(47);
      for (const answer of refused) {
        expect(answer.status).toBe(429);
        expect(answer.body).toEqual({ status: 'error', message: 'Rate limit exceeded', tips: expect.stringContaining('3 jobs queued or running') });
        expect(retryAfter(answer)).toBeGreaterThanOrEqual(1);
      }
      // A refused request left no spam-filter mark: sent again, it meets the same limit, not the spam filter.
      const index = answers.findIndex((a) => !accepted(a));
      const again = await post({ key, prompt: `circle number ${index}`, width: 64, height: 64, num_inference_steps: 2 });
      expect(again.status).toBe(429);
      expect(again.body.tips).toContain('3 jobs queued or running');
      // Another key of the same tenant is not held back.
      expect(accepted(await post({ key: await newKey({ maxConcurrentJobs: 3 }), prompt: 'circle number 0', width: 64, height: 64 }))).toBe(true);
    });
  });

  describe('requests per minute per key', () => {
    it('accepts exactly the per-minute limit out of 50 parallel requests, then 429 naming the limit with Retry-After', async () => {
      const key = await newKey({ rateLimitPerMinute: 5, maxConcurrentJobs: 100 });
      const answers = await Promise.all(
        Array.from({ length: 50 }, (_, i) => post({ key, prompt: `square number ${i}`, width: 64, height: 64, num_inference_steps: 2 })),
      );
      expect(answers.filter(accepted)).toHaveLength(5);
      expect(answers.filter((a) => a.status === 429)).toHaveLength(45);
      for (const answer of answers.filter((a) => !accepted(a))) {
        expect(answer.status).toBe(429);
        expect(answer.body).toEqual({ status: 'error', message: 'Rate limit exceeded', tips: expect.stringContaining('5 requests per minute') });
        expect(retryAfter(answer)).toBeGreaterThanOrEqual(1);
        expect(retryAfter(answer)).toBeLessThanOrEqual(60);
      }
      // The admin key (the tenant's default limit) is unaffected.
      expect(accepted(await post({ key: adminKey, prompt: 'square number 0', width: 64, height: 64 }))).toBe(true);
    });
  });
});

/** Distributed mode: two gateway replicas on one PostgreSQL database share every key's counters. */
describe('per-key limits shared by two gateway replicas (postgres)', () => {
  let database: TestDatabase;
  let replicas: TestGateway[] = [];

  beforeAll(async () => {
    database = await openTestDatabase('postgres');
    replicas = [await startTestGateway({ db: database.db }), await startTestGateway({ db: database.db })];
  }, 60_000);
  afterAll(async () => {
    for (const replica of replicas) await replica.close();
    await database?.close();
  });

  const post = async (replica: TestGateway, body: Record<string, unknown>) => {
    const response = await replica.gateway.app.inject({ method: 'POST', url: '/api/v3/text2img', headers: { 'content-type': 'application/json' }, payload: JSON.stringify(body) });
    return { status: response.statusCode, body: response.json() };
  };
  const newKey = (limits: { rateLimitPerMinute?: number; maxConcurrentJobs?: number }) =>
    replicas[0].gateway.app.get(ApiKeysService).create({ tenantId: replicas[0].gateway.bootstrap.tenantId, name: 'replicas', scopes: ['generate'], ...limits });

  it('accepts exactly the concurrent-jobs limit out of 50 parallel requests spread over both', async () => {
    const { key } = await newKey({ maxConcurrentJobs: 4 });
    const answers = await Promise.all(Array.from({ length: 50 }, (_, i) => post(replicas[i % 2], { key, prompt: `replica circle ${i}`, width: 64, height: 64 })));
    expect(answers.filter((a) => a.status === 202)).toHaveLength(4);
    expect(answers.filter((a) => a.status === 429 && a.body.tips.includes('4 jobs queued or running'))).toHaveLength(46);
  });

  it('accepts exactly the per-minute limit out of 50 parallel requests spread over both, and the spam filter sees both', async () => {
    const { key } = await newKey({ rateLimitPerMinute: 7, maxConcurrentJobs: 100 });
    const answers = await Promise.all(Array.from({ length: 50 }, (_, i) => post(replicas[i % 2], { key, prompt: `replica square ${i}`, width: 64, height: 64 })));
    expect(answers.filter((a) => a.status === 202)).toHaveLength(7);
    expect(answers.filter((a) => a.status === 429 && a.body.tips.includes('7 requests per minute'))).toHaveLength(43);

    const { key: other } = await newKey({ rateLimitPerMinute: 100, maxConcurrentJobs: 100 });
    const body = { key: other, prompt: 'sent to both replicas', width: 64, height: 64 };
    const [a, b] = await Promise.all([post(replicas[0], body), post(replicas[1], { ...body })]);
    expect([a.status, b.status].sort()).toEqual([202, 429]);
    expect([a, b].find((x) => x.status === 429)!.body).toEqual(SPAM_BODY);
  });
});
