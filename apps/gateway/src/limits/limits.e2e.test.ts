import type { Gateway } from '../gateway';
import { ApiKeysService } from '../keys/api-keys.service';
import { startTestGateway, type TestGateway } from '../testing/test-gateway';

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
 * The gateway's per-key limits over HTTP, on the embedded database with no worker: jobs
 * stay queued, so the concurrent-jobs limit can be watched filling up.
 */
describe('per-key limits, end to end (embedded)', () => {
  let harness: TestGateway;
  let gateway: Gateway;
  let keys: ApiKeysService;
  let tenantId: string;
  let adminKey: string;

  beforeAll(async () => {
    harness = await startTestGateway();
    gateway = harness.gateway;
    adminKey = gateway.bootstrap.adminKey!;
    tenantId = gateway.bootstrap.tenantId;
    keys = gateway.app.get(ApiKeysService);
  }, 60_000);

  afterAll(() => harness?.close());

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
  });

  describe('concurrent jobs per key', () => {
    it('accepts exactly the limit out of 20 parallel requests and answers the rest 429 with the limit and Retry-After', async () => {
      const key = await newKey({ maxConcurrentJobs: 3 });
      const answers = await Promise.all(
        Array.from({ length: 20 }, (_, i) => post({ key, prompt: `circle number ${i}`, width: 64, height: 64, num_inference_steps: 2 })),
      );
      expect(answers.filter(accepted)).toHaveLength(3);
      const refused = answers.filter((a) => !accepted(a));
      expect(refused).toHaveLength(17);
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
    it('accepts exactly the per-minute limit out of 12 parallel requests, then 429 naming the limit with Retry-After', async () => {
      const key = await newKey({ rateLimitPerMinute: 5, maxConcurrentJobs: 100 });
      const answers = await Promise.all(
        Array.from({ length: 12 }, (_, i) => post({ key, prompt: `square number ${i}`, width: 64, height: 64, num_inference_steps: 2 })),
      );
      expect(answers.filter(accepted)).toHaveLength(5);
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
