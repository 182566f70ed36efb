import { startTestGateway, type TestGateway } from '../testing/test-gateway';

describe('POST /api/v1/enterprise/tenants/retention', () => {
  let harness: TestGateway;
  beforeAll(async () => {
    harness = await startTestGateway();
  }, 60_000);
  afterAll(() => harness?.close());

  const admin = (body: Record<string, unknown>, key = harness.gateway.bootstrap.adminKey) =>
    harness.gateway.app.inject({
      method: 'POST',
      url: '/api/v1/enterprise/tenants/retention',
      headers: { 'content-type': 'application/json' },
      payload: JSON.stringify({ key, ...body }),
    });
  const stored = () =>
    harness.db.prisma.tenant.findUnique({ where: { id: harness.gateway.bootstrap.tenantId } });

  it('sets a tenant\'s overrides, keeps the fields left out, and returns to the default on "default"', async () => {
    const set = await admin({ artifacts_days: '3', jobs_days: 0 });
    expect(set.statusCode).toBe(200);
    expect(set.json()).toMatchObject({
      status: 'success',
      retention: { artifacts_days: 3, jobs_days: 0, webhook_logs_days: 'default' },
    });
    expect(await admin({ webhook_logs_days: 14 }).then((r) => r.json().retention)).toEqual({
      artifacts_days: 3,
      jobs_days: 0,
      webhook_logs_days: 14,
    });
    expect(await admin({ artifacts_days: 'default' }).then((r) => r.json().retention.artifacts_days)).toBe(
      'default',
    );
    expect(await stored()).toMatchObject({
      retainArtifactsDays: null,
      retainJobsDays: 0,
      retainWebhookLogsDays: 14,
    });
  });

  it('refuses bad values by field and a key without the admin scope', async () => {
    const bad = await admin({ artifacts_days: -1, jobs_days: 'forever' });
    expect(bad.statusCode).toBe(422);
    expect(Object.keys(bad.json().message).sort()).toEqual(['artifacts_days', 'jobs_days']);
    expect((await admin({ artifacts_days: 1 }, 'esk_not_a_key')).statusCode).toBe(401);
  });
});
