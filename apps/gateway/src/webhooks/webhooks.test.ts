import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encodeEvent, JOB_ENDED } from '@easel/contracts';
import {
  applyMigrations,
  JobsRepository,
  openEmbeddedDatabase,
  openPostgresDatabase,
  type Database,
} from '@easel/db';
import { InProcessJobBus } from '@easel/jobs';
import { eventually, sleep } from '@easel/testing';
import type { Gateway } from '../gateway';
import { startTestGateway } from '../testing/test-gateway';
import { ApiKeysService } from '../keys/api-keys.service';
import { verifySignature } from './webhook-signature';

const SECRET = 'test-webhook-secret-0123456789';
const POSTGRES_URL = process.env.TEST_DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/test';
const RESULT = {
  seeds: [1],
  width: 128,
  height: 128,
  steps: 20,
  scheduler: 'DPMSolverMultistepScheduler',
  modelId: 'easel-tiny',
  format: 'png',
  generationTime: 0.1,
  nsfwContentDetected: false,
  timings: {},
};

interface Received {
  path: string;
  headers: IncomingHttpHeaders;
  raw: string;
  at: number;
}

/** A webhook receiver on 127.0.0.1: records every request, answers each path's queued statuses, then 200. */
class Receiver {
  readonly requests: Received[] = [];
  private readonly statuses = new Map<string, number[]>();
  private server!: Server;
  port = 0;
  delayMs = 0;

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const path = req.url ?? '/';
        this.requests.push({
          path,
          headers: req.headers,
          raw: Buffer.concat(chunks).toString('utf8'),
          at: Date.now(),
        });
        const status = this.statuses.get(path)?.shift() ?? 200;
        setTimeout(() => res.writeHead(status, { 'content-type': 'text/plain' }).end('ok'), this.delayMs);
      });
    });
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.address() as AddressInfo).port;
  }

  url(path: string): string {
    return `http://127.0.0.1:${this.port}${path}`;
  }

  answer(path: string, ...statuses: number[]): void {
    this.statuses.set(path, statuses);
  }

  to(path: string): Received[] {
    return this.requests.filter((r) => r.path === path);
  }

  stop(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

interface Harness {
  gateway: Gateway;
  bus: InProcessJobBus;
  url: string;
  close(): Promise<void>;
}

async function startGateway(db: Database, home: string, env: Record<string, string> = {}): Promise<Harness> {
  const { gateway, bus, close } = await startTestGateway({
    db,
    home,
    env: {
      EASEL_FETCH_ALLOW_HOSTS: '127.0.0.1',
      EASEL_WEBHOOK_SECRET: SECRET,
      EASEL_WEBHOOK_MAX_ATTEMPTS: '3',
      EASEL_WEBHOOK_BACKOFF_MS: '200',
      EASEL_WEBHOOK_POLL_MS: '50',
      ...env,
    },
  });
  const url = await gateway.listen(0, '127.0.0.1');
  return { gateway, bus, url, close };
}

async function post(
  url: string,
  body: Record<string, unknown>,
): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

/** A key of the default tenant without request-rate or concurrency limits (the tests submit many jobs quickly). */
const unlimitedKey = async (h: Harness) =>
  (
    await h.gateway.app
      .get(ApiKeysService)
      .create({ tenantId: h.gateway.bootstrap.tenantId, rateLimitPerMinute: 0, maxConcurrentJobs: 0 })
  ).key;

let counter = 0;
/** Submits a text2img job with a webhook through HTTP (a fresh prompt each time, so the spam filter stays quiet). */
async function submit(
  h: Harness,
  key: string,
  webhook: string,
  trackId = `track-${++counter}`,
): Promise<number> {
  const { status, body } = await post(`${h.url}/api/v3/text2img`, {
    key,
    prompt: `webhook test ${++counter} ${Math.random()}`,
    webhook,
    track_id: trackId,
  });
  expect([200, 202]).toContain(status);
  return Number(body.id);
}

/** Ends a job as a worker would, without the engine: settle the row, then say so on the bus. */
async function settle(
  db: Database,
  h: Harness | null,
  jobId: number,
  outcome: 'success' | 'failed',
): Promise<void> {
  const jobs = new JobsRepository(db.prisma);
  await jobs.start(jobId);
  const settled = outcome === 'success' ? await jobs.succeed(jobId, RESULT, []) : await jobs.fail(jobId, 'x');
  expect(settled).toBe(true);
  await h?.bus.publishEvent({
    jobId: String(jobId),
    type: JOB_ENDED,
    data: encodeEvent({ status: outcome }),
  });
}

const logsOf = (h: Harness, key: string, body: Record<string, unknown>) =>
  post(`${h.url}/api/v3/webhook_logs`, { key, ...body });

describe('webhooks (embedded)', () => {
  let db: Database;
  let home: string;
  let h: Harness;
  let key: string;
  const receiver = new Receiver();

  beforeAll(async () => {
    home = await mkdtemp(join(tmpdir(), 'easel-webhooks-'));
    db = await openEmbeddedDatabase();
    await applyMigrations(db.sql);
    h = await startGateway(db, home);
    key = await unlimitedKey(h);
    await receiver.start();
  });
  afterAll(async () => {
    await h.close();
    await receiver.stop();
    await db.close();
    await rm(home, { recursive: true, force: true });
  });

  it('POSTs the fetch body of a succeeded job, signed, once', async () => {
    const jobId = await submit(h, key, receiver.url('/hook-success'), 't1');
    await settle(db, h, jobId, 'success');
    await eventually(() => expect(receiver.to('/hook-success')).toHaveLength(1));
    const [request] = receiver.to('/hook-success');

    const fetched = await post(`${h.url}/api/v3/fetch/${jobId}`, { key });
    expect(fetched.body.status).toBe('success');
    expect(JSON.parse(request.raw)).toEqual(fetched.body);
    expect(JSON.parse(request.raw)).toMatchObject({ status: 'success', id: jobId, track_id: 't1' });

    expect(request.headers['content-type']).toBe('application/json');
    expect(request.headers['easel-event']).toBe('job.ended');
    expect(verifySignature(SECRET, request.headers['easel-signature'] as string, request.raw)).toBe(true);
    expect(
      verifySignature(
        SECRET,
        request.headers['easel-signature'] as string,
        request.raw.replace('success', 'failed'),
      ),
    ).toBe(false);
    expect(
      verifySignature(
        'another-secret-of-some-length',
        request.headers['easel-signature'] as string,
        request.raw,
      ),
    ).toBe(false);

    const logs = await logsOf(h, key, { id: jobId });
    expect(logs.status).toBe(200);
    expect(logs.body).toMatchObject({ status: 'success', id: jobId });
    const deliveries = logs.body.deliveries as Array<Record<string, unknown>>;
    expect(deliveries).toHaveLength(1);
    expect(deliveries[0]).toMatchObject({
      id: Number(request.headers['easel-delivery']),
      url: receiver.url('/hook-success'),
      status: 'delivered',
      attempts: 1,
      last_status_code: 200,
      last_error: null,
      payload: fetched.body,
    });
    expect(Date.parse(deliveries[0].delivered_at as string)).toBeGreaterThanOrEqual(
      Date.parse(deliveries[0].created_at as string),
    );

    await sleep(200); // a few more polls: still exactly one request
    expect(receiver.to('/hook-success')).toHaveLength(1);
  });

  it('POSTs the failed shape of a failed job, with its track_id', async () => {
    const jobId = await submit(h, key, receiver.url('/hook-failed'), 'tf');
    await settle(db, h, jobId, 'failed');
    await eventually(() => expect(receiver.to('/hook-failed')).toHaveLength(1));
    const fetched = await post(`${h.url}/api/v3/fetch/${jobId}`, { key });
    expect(JSON.parse(receiver.to('/hook-failed')[0].raw)).toEqual(fetched.body);
    expect(fetched.body).toMatchObject({
      status: 'failed',
      id: jobId,
      message: 'Failed, Try Again',
      track_id: 'tf',
    });
  });

  it('retries after a 500 with backoff and delivers the same signed body on the second attempt', async () => {
    receiver.answer('/hook-flaky', 500);
    const jobId = await submit(h, key, receiver.url('/hook-flaky'));
    await settle(db, h, jobId, 'success');
    await eventually(() => expect(receiver.to('/hook-flaky')).toHaveLength(2));
    const [first, second] = receiver.to('/hook-flaky');
    expect(second.raw).toBe(first.raw);
    expect(second.headers['easel-delivery']).toBe(first.headers['easel-delivery']);
    expect(verifySignature(SECRET, second.headers['easel-signature'] as string, second.raw)).toBe(true);
    // Not due again before the backoff (200 ms, plus jitter) has passed.
    expect(second.at - first.at).toBeGreaterThanOrEqual(150);

    await eventually(async () => {
      const deliveries = (await logsOf(h, key, { request_id: String(jobId) })).body.deliveries as Array<
        Record<string, unknown>
      >;
      expect(deliveries[0]).toMatchObject({
        status: 'delivered',
        attempts: 2,
        last_status_code: 200,
        last_error: null,
      });
    });
  });

  it('gives up as failed after the last attempt, recording the last answer', async () => {
    receiver.answer('/hook-down', 500, 502, 503, 504);
    const jobId = await submit(h, key, receiver.url('/hook-down'));
    await settle(db, h, jobId, 'failed');
    await eventually(async () => {
      const deliveries = (await logsOf(h, key, { id: jobId })).body.deliveries as Array<
        Record<string, unknown>
      >;
      expect(deliveries[0]).toMatchObject({
        status: 'failed',
        attempts: 3,
        last_status_code: 503,
        last_error: 'the receiver answered HTTP 503',
        delivered_at: null,
      });
    }, 10_000);
    expect(receiver.to('/hook-down')).toHaveLength(3);
  });

  it('refuses a webhook URL that reaches a private address not on the allowlist, and records why', async () => {
    // localhost resolves to loopback, and only the literal 127.0.0.1 is allowed.
    const jobId = await submit(h, key, `http://localhost:${receiver.port}/hook-private`);
    const literal = await submit(h, key, 'http://10.0.0.1:8080/hook');
    await settle(db, h, jobId, 'success');
    await settle(db, h, literal, 'success');
    for (const id of [jobId, literal]) {
      await eventually(async () => {
        const deliveries = (await logsOf(h, key, { id })).body.deliveries as Array<Record<string, unknown>>;
        expect(deliveries[0]).toMatchObject({ status: 'failed', attempts: 1, last_status_code: null });
        expect(deliveries[0].last_error).toMatch(/^blocked_address: .*(loopback|private)/);
      });
    }
    expect(receiver.to('/hook-private')).toHaveLength(0);
  });

  it('delivers a webhook nobody announced on the bus: the outbox is polled (nothing is lost)', async () => {
    const jobId = await submit(h, key, receiver.url('/hook-quiet'));
    await settle(db, null, jobId, 'success');
    await eventually(() => expect(receiver.to('/hook-quiet')).toHaveLength(1));
  });

  it('owes no webhook to a job without one, and shows an empty log', async () => {
    const { body } = await post(`${h.url}/api/v3/text2img`, { key, prompt: `no hook ${Math.random()}` });
    await settle(db, h, Number(body.id), 'success');
    const logs = await logsOf(h, key, { id: body.id });
    expect(logs.body).toEqual({ status: 'success', id: body.id, deliveries: [] });
  });

  it("shows the log to the job's own tenant only, and validates the id", async () => {
    const jobId = await submit(h, key, receiver.url('/hook-private-log'));
    const tenant = await db.prisma.tenant.create({ data: { name: `other-${Math.random()}` } });
    const other = await h.gateway.app.get(ApiKeysService).create({ tenantId: tenant.id });
    const foreign = await logsOf(h, other.key, { id: jobId });
    expect(foreign.status).toBe(404);
    expect(foreign.body).toEqual({ status: 'error', message: 'Request not found' });

    const missing = await logsOf(h, key, {});
    expect(missing.status).toBe(422);
    expect(missing.body).toEqual({
      status: 'error',
      message: { request_id: ['The request id field is required.'] },
    });
    expect((await logsOf(h, key, { id: 'abc' })).status).toBe(422);
    expect((await logsOf(h, 'not-a-key', { id: jobId })).status).toBe(401);
  });

  it('refuses a webhook that is not an http(s) URL at submit time', async () => {
    const { status, body } = await post(`${h.url}/api/v3/text2img`, {
      key,
      prompt: `bad hook ${Math.random()}`,
      webhook: 'ftp://example.com/hook',
    });
    expect(status).toBe(422);
    expect(body).toEqual({
      status: 'error',
      message: { webhook: ['The webhook must be a valid http or https URL.'] },
    });
  });
});

describe('webhooks from two gateways on one PostgreSQL database', () => {
  let db: Database;
  let second: Database;
  let home: string;
  let a: Harness;
  let b: Harness;
  const receiver = new Receiver();

  beforeAll(async () => {
    const url = `${POSTGRES_URL}?schema=webhooks_${randomBytes(4).toString('hex')}`;
    home = await mkdtemp(join(tmpdir(), 'easel-webhooks-pg-'));
    db = await openPostgresDatabase({ url });
    await applyMigrations(db.sql);
    second = await openPostgresDatabase({ url });
    a = await startGateway(db, join(home, 'a'));
    b = await startGateway(second, join(home, 'b'));
    await receiver.start();
    receiver.delayMs = 30; // a slow receiver widens the window in which a second send could slip in
  });
  afterAll(async () => {
    await a?.close();
    await b?.close();
    await receiver.stop();
    const [{ schema }] = await db.sql.query<{ schema: string }>('SELECT current_schema() AS schema');
    await db.sql.exec(`DROP SCHEMA "${schema}" CASCADE`);
    await second.close();
    await db.close();
    await rm(home, { recursive: true, force: true });
  });

  it('sends each delivery exactly once while both dispatchers race for it', async () => {
    const key = await unlimitedKey(a);
    const ids: number[] = [];
    for (let i = 0; i < 24; i++) ids.push(await submit(i % 2 === 0 ? a : b, key, receiver.url(`/race-${i}`)));
    // Both gateways hear every end, so both wake for every delivery at once.
    for (const id of ids) {
      await settle(db, a, id, 'success');
      await b.bus.publishEvent({
        jobId: String(id),
        type: JOB_ENDED,
        data: encodeEvent({ status: 'success' }),
      });
    }
    await eventually(() => expect(receiver.requests).toHaveLength(ids.length), 15_000);
    await sleep(300); // several more polls by both: nothing is sent again
    const byDelivery = new Map<string, number>();
    for (const r of receiver.requests)
      byDelivery.set(
        r.headers['easel-delivery'] as string,
        (byDelivery.get(r.headers['easel-delivery'] as string) ?? 0) + 1,
      );
    expect(byDelivery.size).toBe(ids.length);
    expect([...byDelivery.values()].every((n) => n === 1)).toBe(true);

    const rows = await db.prisma.webhookDelivery.findMany();
    expect(rows).toHaveLength(ids.length);
    expect(rows.every((r) => r.status === 'delivered' && r.attempts === 1)).toBe(true);
    // The log reads the same from either replica.
    const logs = await logsOf(b, key, { id: ids[0] });
    expect((logs.body.deliveries as unknown[])[0]).toMatchObject({ status: 'delivered', attempts: 1 });
  });

  it('retries through failures until the receiver answers 2xx, then stops, whichever replica sends', async () => {
    const key = await unlimitedKey(a);
    receiver.answer('/pg-flaky', 503, 500, 204);
    const jobId = await submit(a, key, receiver.url('/pg-flaky'));
    await settle(db, a, jobId, 'success');
    await eventually(async () => {
      const deliveries = (await logsOf(b, key, { id: jobId })).body.deliveries as Array<Record<string, unknown>>;
      expect(deliveries[0]).toMatchObject({ status: 'delivered', attempts: 3, last_status_code: 204, last_error: null });
    }, 10_000);
    await sleep(300); // more polls by both: nothing is sent after the 2xx
    const sent = receiver.to('/pg-flaky');
    expect(sent).toHaveLength(3);
    expect(new Set(sent.map((r) => r.raw)).size).toBe(1);
    expect(sent.every((r) => verifySignature(SECRET, r.headers['easel-signature'] as string, r.raw))).toBe(true);
  });
});
