import { InvalidApiKeyError } from '../common/api-errors';
import { startTestGateway, type TestGateway } from '../testing/test-gateway';
import { ApiKeysService } from './api-keys.service';

/** Keys are looked up once and then reused briefly (KEY_CACHE_MS): the reuse must never outlive a revocation or a limit change made here. */
describe('ApiKeysService.authenticate with its short-lived cache (embedded)', () => {
  let harness: TestGateway;
  let keys: ApiKeysService;
  let tenantId: string;

  beforeAll(async () => {
    harness = await startTestGateway();
    keys = harness.gateway.app.get(ApiKeysService);
    tenantId = harness.gateway.bootstrap.tenantId;
  }, 60_000);
  afterAll(() => harness?.close());

  const admin = (path: string, body: Record<string, unknown>) =>
    harness.gateway.app.inject({
      method: 'POST',
      url: `/api/v1/enterprise/${path}`,
      headers: { 'content-type': 'application/json' },
      payload: JSON.stringify({ key: harness.gateway.bootstrap.adminKey, ...body }),
    });

  it('refuses a wrong secret behind a known prefix, cached or not', async () => {
    const { key } = await keys.create({ tenantId });
    await expect(keys.authenticate(key)).resolves.toMatchObject({ tenantId });
    const forged = key.slice(0, -1) + (key.endsWith('A') ? 'B' : 'A');
    await expect(keys.authenticate(forged)).rejects.toBeInstanceOf(InvalidApiKeyError);
    keys.forget();
    await expect(keys.authenticate(forged)).rejects.toBeInstanceOf(InvalidApiKeyError);
  });

  it('refuses a key at once after it was revoked, though it was just used', async () => {
    const { key, prefix } = await keys.create({ tenantId });
    await expect(keys.authenticate(key)).resolves.toMatchObject({ keyPrefix: prefix });
    expect((await admin('keys/revoke', { key_id: prefix })).statusCode).toBe(200);
    await expect(keys.authenticate(key)).rejects.toBeInstanceOf(InvalidApiKeyError);
  });

  it('applies new tenant limits to the next request of a key that inherits them', async () => {
    const { key } = await keys.create({ tenantId });
    const before = await keys.authenticate(key);
    const limits = { rate_limit_per_minute: before.rateLimitPerMinute + 7, max_concurrent_jobs: before.maxConcurrentJobs + 3 };
    expect((await admin('tenants/limits', limits)).statusCode).toBe(200);
    await expect(keys.authenticate(key)).resolves.toMatchObject({ rateLimitPerMinute: limits.rate_limit_per_minute, maxConcurrentJobs: limits.max_concurrent_jobs });
  });
});
