import type { Gateway } from '../gateway';
import { startScriptedWorker } from '../testing/scripted-worker';
import { startTestGateway, type TestGateway } from '../testing/test-gateway';

/** The value of one sample line (`name{labels} value`), or undefined when absent. */
function sample(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  for (const line of text.split('\n')) {
    if (line.startsWith('#')) continue;
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match || match[1] !== name) continue;
    const have = Object.fromEntries(
      [...(match[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((m) => [m[1], m[2]]),
    );
    if (Object.entries(labels).every(([k, v]) => have[k] === v)) return Number(match[3]);
  }
  return undefined;
}

/** /metrics over HTTP on the embedded database, with no worker: a submitted job stays queued. */
describe('GET /metrics', () => {
  let harness: TestGateway;
  let gateway: Gateway;
  let key: string;

  beforeAll(async () => {
    harness = await startTestGateway();
    gateway = harness.gateway;
    key = gateway.bootstrap.adminKey!;
  }, 60_000);

  afterAll(() => harness?.close());

  const scrape = async () => {
    const response = await gateway.app.inject({ method: 'GET', url: '/metrics' });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
    return response.body;
  };
  const post = (url: string, body: Record<string, unknown>) =>
    gateway.app.inject({
      method: 'POST',
      url,
      headers: { 'content-type': 'application/json' },
      payload: JSON.stringify(body),
    });

  it("exposes the process's default metrics and every job state, zero included", async () => {
    const text = await scrape();
    expect(sample(text, 'process_cpu_user_seconds_total')).toBeGreaterThanOrEqual(0);
    expect(sample(text, 'nodejs_eventloop_lag_seconds')).toBeGreaterThanOrEqual(0);
    for (const state of ['queued', 'running', 'success', 'failed']) {
      expect([state, sample(text, 'easel_jobs', { state })]).toEqual([state, expect.any(Number)]);
    }
    expect(sample(text, 'easel_queue_depth', { service: 'diffusion', pool: 'default' })).toBe(0);
  });

  it('counts a request by route pattern, method and status, with its latency', async () => {
    const before = await scrape();
    const labels = { method: 'POST', route: '/api/v3/system_load', status: '200' };
    const countBefore = sample(before, 'easel_http_requests_total', labels) ?? 0;
    expect((await post('/api/v3/system_load', { key })).statusCode).toBe(200);
    const after = await scrape();
    expect(sample(after, 'easel_http_requests_total', labels)).toBe(countBefore + 1);
    expect(
      sample(after, 'easel_http_request_duration_seconds_count', {
        method: 'POST',
        route: '/api/v3/system_load',
      }),
    ).toBe(countBefore + 1);
    expect(
      sample(after, 'easel_http_request_duration_seconds_bucket', {
        method: 'POST',
        route: '/api/v3/system_load',
        le: '+Inf',
      }),
    ).toBe(countBefore + 1);
  });

  it('labels routes by pattern, not by URL, and unknown URLs as unmatched', async () => {
    await post('/api/v3/fetch/123456', { key });
    await post('/api/v3/fetch/654321', { key });
    await gateway.app.inject({ method: 'GET', url: '/no/such/path/7' });
    const text = await scrape();
    expect(
      sample(text, 'easel_http_requests_total', {
        method: 'POST',
        route: '/api/v3/fetch/:id',
        status: '404',
      }),
    ).toBe(2);
    expect(
      sample(text, 'easel_http_requests_total', { method: 'GET', route: 'unmatched', status: '404' }),
    ).toBe(1);
    expect(text).not.toContain('123456');
    expect(text).not.toContain('/no/such/path');
  });

  it('counts refused requests too (status from the guard)', async () => {
    await post('/api/v3/text2img', { key: 'esk_wrong', prompt: 'x' });
    const text = await scrape();
    expect(
      sample(text, 'easel_http_requests_total', { method: 'POST', route: '/api/v3/text2img', status: '401' }),
    ).toBe(1);
    expect(sample(text, 'easel_jobs_accepted_total', { route: '/api/v3/text2img' }) ?? 0).toBe(0);
  });

  it('a submitted job shows in accepted jobs, jobs by state and queue depth', async () => {
    const before = await scrape();
    const queuedBefore = sample(before, 'easel_jobs', { state: 'queued' })!;
    const response = await post('/api/v3/text2img', {
      key,
      prompt: 'a red circle',
      width: 64,
      height: 64,
      num_inference_steps: 2,
      track_id: 'metrics-1',
    });
    expect(response.statusCode).toBe(202);
    expect(response.json().status).toBe('processing');
    // A validation error is not an accepted job.
    expect((await post('/api/v3/text2img', { key, prompt: 'x', width: 7 })).statusCode).toBe(422);
    const after = await scrape();
    expect(sample(after, 'easel_jobs_accepted_total', { route: '/api/v3/text2img' })).toBe(1);
    expect(sample(after, 'easel_jobs', { state: 'queued' })).toBe(queuedBefore + 1);
    expect(sample(after, 'easel_queue_depth', { service: 'diffusion', pool: 'default' })).toBe(1);
  });

  it("reports what operators alert on: the queued job's age, the webhook backlog, the artifact store's room", async () => {
    // The job queued by the test before (no worker here) is still waiting.
    await new Promise((r) => setTimeout(r, 1100));
    const text = await scrape();
    expect(sample(text, 'easel_queue_oldest_age_seconds', { service: 'diffusion' })).toBeGreaterThanOrEqual(
      1,
    );
    expect(sample(text, 'easel_queue_oldest_age_seconds', { service: 'super_resolution' })).toBeUndefined();
    expect(sample(text, 'easel_webhook_deliveries_pending')).toBe(0);
    expect(sample(text, 'easel_jobs_dead_lettered_recent')).toBe(0);
    expect(sample(text, 'easel_artifact_store_writable')).toBe(1);
    expect(sample(text, 'easel_artifact_store_free_bytes')).toBeGreaterThan(0);
    for (const name of [
      'easel_jobs_ended_recent',
      'easel_job_run_seconds_recent',
      'easel_credits_spent_recent',
    ])
      expect(text).toContain(`# TYPE ${name} gauge`);
  });

  it('counts the jobs that ended, their run time and the credits they spent', async () => {
    const worker = await startScriptedWorker(harness);
    try {
      let text = '';
      for (
        let i = 0;
        i < 50 && !sample(text, 'easel_jobs_ended_recent', { service: 'diffusion', status: 'success' });
        i++
      ) {
        await new Promise((r) => setTimeout(r, 100));
        text = await scrape();
      }
      expect(sample(text, 'easel_jobs_ended_recent', { service: 'diffusion', status: 'success' })).toBe(1);
      expect(sample(text, 'easel_job_run_seconds_recent', { service: 'diffusion' })).toBeGreaterThanOrEqual(
        0,
      );
      expect(sample(text, 'easel_credits_spent_recent', { tenant: 'default' })).toBeGreaterThan(0);
      expect(sample(text, 'easel_queue_oldest_age_seconds', { service: 'diffusion' })).toBeUndefined();
    } finally {
      await worker.stop(1000);
    }
  });
});
