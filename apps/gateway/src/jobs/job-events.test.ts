import type { JobRunner } from '@easel/worker';
import { startScriptedWorker } from '../testing/scripted-worker';
import { startTestGateway, type TestGateway } from '../testing/test-gateway';
import { JobEventStreamService } from './job-event-stream.service';

interface SseMessage {
  event: string;
  data: unknown;
}

/** Opens an event stream and collects it until the server closes it. */
async function openStream(url: string, headers: Record<string, string> = {}) {
  const response = await fetch(url, { headers });
  const messages: SseMessage[] = [];
  const comments: string[] = [];
  const done = (async () => {
    if (!response.headers.get('content-type')?.startsWith('text/event-stream')) return;
    const decoder = new TextDecoder();
    let buffer = '';
    for await (const chunk of response.body!) {
      buffer += decoder.decode(chunk as Uint8Array, { stream: true });
      let end: number;
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        if (block.startsWith(':')) comments.push(block.slice(1).trim());
        const event = /^event: (.*)$/m.exec(block)?.[1];
        const data = /^data: (.*)$/m.exec(block)?.[1];
        if (event && data) messages.push({ event, data: JSON.parse(data) });
      }
    }
  })();
  return { response, messages, comments, done };
}

describe('GET /api/v3/jobs/{id}/events', () => {
  let harness: TestGateway;
  let worker: JobRunner;
  let base: string;
  let key: string;
  const connected = new Map<number, () => void>();
  const waitForListener = (jobId: number) => new Promise<void>((resolve) => connected.set(jobId, resolve));

  const post = async (path: string, body: Record<string, unknown>) => {
    const response = await fetch(`${base}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    return (await response.json()) as Record<string, unknown>;
  };
  const submit = async (prompt: string, withKey = key) =>
    (await post('/api/v3/text2img', { key: withKey, prompt })).id as number;
  const release = async (jobId: number) => {
    while (!connected.has(jobId)) await new Promise((resolve) => setTimeout(resolve, 10));
    connected.get(jobId)!();
  };

  beforeAll(async () => {
    harness = await startTestGateway();
    worker = await startScriptedWorker(harness, { progress: { steps: 3, before: waitForListener } });
    base = await harness.gateway.listen(0, '127.0.0.1');
    key = harness.gateway.bootstrap.adminKey!;
  }, 60_000);
  afterAll(async () => {
    await worker?.stop(1_000);
    await harness?.close();
  });

  it('streams progress with a preview, then the fetch body as `end`, then closes', async () => {
    const id = await submit('a red circle');
    const stream = await openStream(`${base}/api/v3/jobs/${id}/events?key=${key}`);
    expect(stream.response.status).toBe(200);
    await release(id);
    await stream.done;
    const progress = stream.messages
      .filter((m) => m.event === 'progress')
      .map((m) => m.data as Record<string, unknown>);
    expect(progress.map((p) => [p.id, p.step, p.total])).toEqual([
      [id, 1, 3],
      [id, 2, 3],
      [id, 3, 3],
    ]);
    expect(progress[0].preview).toMatch(/^data:image\/png;base64,iVBORw0KGgo/);
    expect(progress[1].preview).toBeUndefined();
    expect(progress.some((p) => 'phase' in p)).toBe(false); // one pass: no phase
    const end = stream.messages.at(-1)!;
    expect(stream.messages.map((m) => m.event)).toEqual(['progress', 'progress', 'progress', 'end']);
    expect(end.data).toEqual(await post(`/api/v3/fetch/${id}`, { key }));
    expect((end.data as { status: string }).status).toBe('success');
  });

  it('names the pass of a highres_fix job on each step and previews the second pass as it begins', async () => {
    const id = (
      await post('/api/v3/text2img', { key, prompt: 'a red circle', highres_fix: 'yes', width: 256 })
    ).id as number;
    const stream = await openStream(`${base}/api/v3/jobs/${id}/events?key=${key}`);
    await release(id);
    await stream.done;
    const progress = stream.messages
      .filter((m) => m.event === 'progress')
      .map((m) => m.data as Record<string, unknown>);
    expect(progress.map((p) => [p.step, p.total, p.phase, typeof p.preview])).toEqual([
      [1, 3, 'highres_base', 'string'],
      [2, 3, 'highres_base', 'undefined'],
      [3, 3, 'highres_refine', 'string'],
    ]);
    expect(stream.messages.at(-1)!.event).toBe('end');
  });

  it('answers a job that already ended with its end at once (Bearer key)', async () => {
    const id = await submit('a blue square, fail');
    await release(id);
    let fetched: Record<string, unknown> = {};
    while (fetched.status !== 'failed') fetched = await post(`/api/v3/fetch/${id}`, { key });
    const stream = await openStream(`${base}/api/v3/jobs/${id}/events`, { authorization: `Bearer ${key}` });
    await stream.done;
    expect(stream.messages).toEqual([{ event: 'end', data: fetched }]);
  });

  it('sends heartbeat comments while a job waits', async () => {
    harness.gateway.app.get(JobEventStreamService).heartbeatMs = 50;
    try {
      const id = await submit('a green triangle');
      const stream = await openStream(`${base}/api/v3/jobs/${id}/events?key=${key}`);
      await new Promise((resolve) => setTimeout(resolve, 300));
      await release(id);
      await stream.done;
      expect(stream.comments.filter((c) => c === 'heartbeat').length).toBeGreaterThanOrEqual(2);
      expect(stream.messages.at(-1)!.event).toBe('end');
    } finally {
      harness.gateway.app.get(JobEventStreamService).heartbeatMs = 15_000;
    }
  });

  it("answers another tenant's job, a missing job and a wrong key in the dialect's shapes", async () => {
    const admin = (path: string, body: Record<string, unknown>) =>
      post(`/api/v1/enterprise/${path}`, { key, ...body });
    const tenant = (await admin('tenants/create', { name: 'rival', credits: 100 })) as {
      tenant: { id: string };
    };
    const rivalKey = (
      (await admin('keys/create', { tenant_id: tenant.tenant.id, name: 'rival app' })) as { api_key: string }
    ).api_key;
    const id = await submit('a yellow star');
    const rival = await openStream(`${base}/api/v3/jobs/${id}/events?key=${rivalKey}`);
    expect([rival.response.status, await rival.response.json()]).toEqual([
      404,
      { status: 'error', message: 'Request not found' },
    ]);
    const missing = await fetch(`${base}/api/v3/jobs/999999/events?key=${key}`);
    expect(missing.status).toBe(404);
    const wrong = await fetch(`${base}/api/v3/jobs/${id}/events?key=esk_wrong`);
    expect(wrong.status).toBe(401);
    expect(await wrong.json()).toMatchObject({ status: 'error', message: 'Invalid Api Key' });
    const none = await fetch(`${base}/api/v3/jobs/${id}/events`);
    expect(none.status).toBe(401);
    await release(id);
  });
});
