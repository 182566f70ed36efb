/**
 * The hostile-input fuzz suite: cases made from the published request schemas (cases.ts) sent to
 * a real gateway on PostgreSQL, with workers that finish every accepted job at once. Asserted for
 * every case: no 5xx, an answer (no hang), the dialect's shape; afterwards every tenant's ledger
 * sums to its balance and no job is left unfinished; /healthz answers throughout.
 *
 * CI runs FUZZ_CASES (default 300) cases from FUZZ_SEED (default 1); a larger run:
 *   cd test && FUZZ_CASES=5000 FUZZ_SEED=7 npm test -- fuzz
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import sharp from 'sharp';
import { loadConfig } from '@easel/config';
import { CHAT_SERVICE, CONTROLNET_SERVICE, DIFFUSION_SERVICE, SERVICE_NAMES, VIDEO_SERVICE, MESH_SERVICE, VOICE_SERVICE, type JobPayload } from '@easel/contracts';
import { applyMigrations, JobsRepository, openPostgresDatabase, type Database } from '@easel/db';
import { ApiKeysService, createGateway, TenantsService, type Gateway } from '@easel/gateway';
import { InProcessJobBus } from '@easel/jobs';
import { BundledModelCatalog } from '@easel/model-store';
import { LocalArtifactStore } from '@easel/storage';
import { JobRunner, type JobOutput, type ServiceHandler } from '@easel/worker';
import { generateCases, type Endpoint, type FuzzCase } from './cases';

const POSTGRES = process.env.TEST_DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/test';
const CASES = Number(process.env.FUZZ_CASES ?? 300);
const SEED = Number(process.env.FUZZ_SEED ?? 1);
/** An answer slower than this is a hang (every case here needs milliseconds). */
const HANG_MS = 15_000;
const PARALLEL = 4;
const DIALECT_STATUSES = ['success', 'processing', 'error', 'failed'];
const CLIENT_ERRORS = [400, 401, 402, 403, 404, 409, 413, 414, 415, 422, 429];

/** Finishes every job at once with one small PNG: the fuzz target is the gateway, not the engines. */
class InstantService implements ServiceHandler {
  constructor(
    readonly service: string,
    private readonly png: Buffer,
  ) {}
  async run(payload: JobPayload): Promise<JobOutput> {
    if (this.service === CHAT_SERVICE) {
      const reply = { text: 'ok', finishReason: 'stop', promptTokens: 3, completionTokens: 1, seed: 1, firstTokenSeconds: 0, seconds: 0, modelId: payload.modelId ?? 'easel-chat-tiny' };
      return { result: reply, files: [], creditsUsed: 0.001 };
    }
    if (this.service === VIDEO_SERVICE) {
      const clip = { modelId: payload.modelId ?? 'easel-tiny-motion', numFrames: 2, fps: 8, width: 8, height: 8, seed: 1, outputType: 'gif', generationTime: 0, timings: {} };
      return { result: clip, files: [{ body: this.png, contentType: 'image/gif', extension: 'gif' }] };
    }
    if (this.service === MESH_SERVICE) {
      const mesh = { modelId: payload.modelId ?? 'easel-tiny-mesh', seed: 1, outputFormat: 'glb', vertices: 3, triangles: 1, generationTime: 0, timings: {} };
      return { result: mesh, files: [{ body: this.png, contentType: 'model/gltf-binary', extension: 'glb' }, { body: this.png, contentType: 'image/png', extension: 'png' }] };
    }
    if (this.service === VOICE_SERVICE) {
      const speech = { modelId: payload.modelId ?? null, voice: 'slt', seed: 1, outputFormat: 'wav', audioTime: 1, sampleRate: 16000, generationTime: 0, timings: {} };
      return { result: speech, files: [{ body: this.png, contentType: 'audio/wav', extension: 'wav' }], creditsUsed: 0.002 };
    }
    const params = payload.params as { samples?: number; generation?: { samples?: number } };
    const samples = params.samples ?? params.generation?.samples ?? 1;
    const count = this.service === DIFFUSION_SERVICE || this.service === CONTROLNET_SERVICE ? samples : 1;
    const result = {
      seeds: Array.from({ length: count }, (_, i) => i),
      width: 8,
      height: 8,
      inputWidth: 4,
      inputHeight: 4,
      scale: 2,
      steps: 1,
      scheduler: 'EulerDiscreteScheduler',
      modelId: payload.modelId ?? 'easel-tiny',
      upscaleModel: 'esrgan-slim',
      format: 'png',
      generationTime: 0,
      timings: {},
    };
    return {
      result,
      files: Array.from({ length: count }, () => ({
        body: this.png,
        contentType: 'image/png',
        extension: 'png',
      })),
    };
  }
}

/** The OpenAI-shaped chat routes answer in OpenAI's shapes, errors included (Easel's extra). */
const OPENAI_ROUTE = /^\/(v1|api\/v6)\/(chat\/)?completions$/;

/**
 * Every answer's problem, if it has one: a 5xx, no JSON, a status outside the dialect (or OpenAI's
 * shapes on its routes), a malformed error; a stream that does not end as its route's streams end.
 */
function problemOf(status: number, text: string, path: string, contentType: string): string | null {
  if (status >= 500) return `HTTP ${status}: ${text.slice(0, 200)}`;
  if (contentType.startsWith('text/event-stream'))
    return /^event: end$/m.test(text) || /^data: \[DONE\]$/m.test(text) ? null : `a stream that never ended: ${text.slice(-200)}`;
  let body: any;
  try {
    body = JSON.parse(text);
  } catch {
    return `HTTP ${status} with a body that is not JSON: ${text.slice(0, 200)}`;
  }
  if (OPENAI_ROUTE.test(path)) {
    if (status >= 400) return CLIENT_ERRORS.includes(status) && typeof body?.error?.message === 'string' ? null : `HTTP ${status}: not OpenAI's error shape: ${text.slice(0, 200)}`;
    return ['chat.completion', 'text_completion'].includes(body?.object) ? null : `HTTP ${status}: not an OpenAI completion: ${text.slice(0, 200)}`;
  }
  if (!DIALECT_STATUSES.includes(body?.status))
    return `HTTP ${status}: status ${JSON.stringify(body?.status)} is not the dialect's`;
  if (status >= 400 && !CLIENT_ERRORS.includes(status))
    return `HTTP ${status} is not a documented client error`;
  if (body.status === 'error') {
    const { message } = body;
    const fieldMessages =
      message !== null &&
      typeof message === 'object' &&
      Object.values(message).every((m) => Array.isArray(m) && m.every((s) => typeof s === 'string'));
    if (typeof message !== 'string' && !fieldMessages)
      return `HTTP ${status}: an error whose message is neither a sentence nor {field: [sentences]}`;
  }
  return null;
}

describe(`hostile input: ${CASES} cases from seed ${SEED}`, () => {
  const schema = `fuzz_${randomBytes(4).toString('hex')}`;
  const home = mkdtempSync(join(tmpdir(), 'easel-fuzz-'));
  let db: Database;
  let gateway: Gateway;
  let bus: InProcessJobBus;
  let runners: JobRunner[] = [];
  let url = '';
  let key = '';
  let adminKey = '';
  let tenantId = '';
  let image = '';

  beforeAll(async () => {
    db = await openPostgresDatabase({ url: `${POSTGRES}?schema=${schema}` });
    await applyMigrations(db.sql);
    const config = loadConfig({
      EASEL_HOME: home,
      EASEL_LOG_LEVEL: 'silent',
      EASEL_SYNC_WINDOW_MS: '0',
      EASEL_FETCH_ALLOW_HOSTS: '',
    });
    bus = new InProcessJobBus();
    const store = new LocalArtifactStore(join(home, 'artifacts'));
    gateway = await createGateway({
      config,
      db,
      bus,
      store,
      catalog: new BundledModelCatalog(config.modelsDir),
    });
    url = await gateway.listen(0, '127.0.0.1');
    adminKey = gateway.bootstrap.adminKey!;
    const png = await sharp({ create: { width: 64, height: 64, channels: 3, background: '#2050d0' } })
      .png()
      .toBuffer();
    image = png.toString('base64');
    const jobs = new JobsRepository(db.prisma);
    // every service: a job accepted for one that no runner takes would be left unfinished
    runners = SERVICE_NAMES.map(
      (service) =>
        new JobRunner({
          bus,
          jobs,
          store,
          handler: new InstantService(service, png),
          pool: 'default',
          concurrency: 4,
          ackWaitMs: 30_000,
          maxDeliver: 3,
        }),
    );
    for (const runner of runners) await runner.start();
    // Limits off for the fuzzing key (limits have their own tests); a poor tenant meets "Insufficient credits".
    tenantId = (await gateway.app.get(TenantsService).create('fuzz', 1_000_000)).id;
    key = (
      await gateway.app
        .get(ApiKeysService)
        .create({ tenantId, name: 'fuzz', scopes: ['generate'], rateLimitPerMinute: 0, maxConcurrentJobs: 0 })
    ).key;
  }, 60_000);

  afterAll(async () => {
    for (const runner of runners) await runner.stop(1000);
    await gateway?.close();
    await bus?.close();
    await db?.sql.exec(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await db?.close();
    rmSync(home, { recursive: true, force: true });
  }, 60_000);

  const valid = (path: string): Record<string, unknown> => {
    if (path.includes('super_resolution')) return { key, init_image: image, scale: 2 };
    if (path.startsWith('/api/v1/enterprise/'))
      return {
        key: adminKey,
        tenant_id: tenantId,
        name: 'n',
        amount: 1,
        note: 'fuzz',
        credits: 1,
        rate_limit_per_minute: 5,
      };
    const body: Record<string, unknown> = {
      key,
      prompt: 'a red circle',
      num_inference_steps: 1,
      width: 64,
      height: 64,
    };
    if (path.includes('dreambooth')) body.model_id = 'easel-tiny';
    if (/uncensored_chat|chat\/completions/.test(path)) return { key, messages: [{ role: 'user', content: 'Hi' }], max_tokens: 8 };
    if (path.endsWith('/completions')) return { key, prompt: 'Hi', max_tokens: 8 };
    if (path.includes('img2img') || path.includes('inpaint') || path.includes('img2video')) body.init_image = image;
    if (path.includes('inpaint')) body.mask_image = image;
    if (path.includes('image_to_3d')) body.image = image;
    if (path.includes('/voice/')) Object.assign(body, { init_audio: 'https://example.com/speech.wav', target_audio: 'https://example.com/voice.wav' });
    return body;
  };

  it('no 5xx, no hang, every answer in the dialect; the ledger equals the balance for every tenant; /healthz answers throughout', async () => {
    const openapi = (await (await fetch(`${url}/openapi.json`)).json()) as any;
    const endpoints: Endpoint[] = [];
    for (const [path, methods] of Object.entries<any>(openapi.paths)) {
      const op = methods.post;
      if (!op?.['x-easel-job-kind']) continue;
      const body = op.requestBody.content['application/json'].schema;
      endpoints.push({ path, properties: Object.keys(body.properties), required: body.required });
    }
    expect(endpoints.map((e) => e.path)).toEqual(
      expect.arrayContaining([
        '/api/v3/text2img',
        '/api/v3/inpaint',
        '/api/v6/image_editing/super_resolution',
      ]),
    );
    // The operator endpoints that move money or create rows, with the fields they read.
    endpoints.push(
      {
        path: '/api/v1/enterprise/credits/add',
        properties: ['tenant_id', 'amount', 'note'],
        required: ['key', 'amount'],
      },
      {
        path: '/api/v1/enterprise/tenants/create',
        properties: ['name', 'credits', 'rate_limit_per_minute'],
        required: ['key', 'name'],
      },
      {
        path: '/api/v1/enterprise/keys/create',
        properties: ['tenant_id', 'name', 'scopes', 'rate_limit_per_minute'],
        required: ['key'],
      },
    );
    const cases: FuzzCase[] = [
      ...generateCases(endpoints, valid, CASES, SEED),
      { name: 'fetch: a 5,000-character id', path: `/api/v3/fetch/${'9'.repeat(5000)}`, body: { key } },
      { name: 'fetch: a negative id', path: '/api/v3/fetch/-4', body: { key } },
      { name: 'fetch: a NUL in the id', path: '/api/v3/fetch/1%00', body: { key } },
      {
        name: 'fetch: request_id nested',
        path: '/api/v4/dreambooth/fetch',
        body: { key, request_id: { $gt: 0 } },
      },
    ];

    const health: number[] = [];
    let polling = true;
    const poller = (async () => {
      while (polling) {
        const started = performance.now();
        const answer = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(HANG_MS) }).catch(
          () => null,
        );
        health.push(answer?.ok ? performance.now() - started : Infinity);
        await new Promise((r) => setTimeout(r, 50));
      }
    })();

    const problems: string[] = [];
    const statuses = new Map<number, number>();
    let index = 0;
    const send = async (c: FuzzCase) => {
      const started = performance.now();
      try {
        const response = await fetch(`${url}${c.path}`, {
          method: 'POST',
          headers: { 'content-type': c.contentType ?? 'application/json' },
          body: c.raw ? new Uint8Array(c.raw) : JSON.stringify(c.body),
          signal: AbortSignal.timeout(HANG_MS),
        });
        const text = await response.text();
        statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
        const problem = problemOf(response.status, text, c.path, response.headers.get('content-type') ?? '');
        if (problem) problems.push(`${c.name}: ${problem}`);
      } catch (error) {
        problems.push(
          `${c.name}: no answer after ${Math.round(performance.now() - started)} ms (${(error as Error).message})`,
        );
      }
    };
    await Promise.all(
      Array.from({ length: PARALLEL }, async () => {
        while (index < cases.length) await send(cases[index++]);
      }),
    );
    polling = false;
    await poller;

    // Every accepted job ends (the instant workers), then money is checked tenant by tenant.
    const deadline = Date.now() + 60_000;
    let unfinished = Infinity;
    while (unfinished > 0 && Date.now() < deadline) {
      unfinished = Number(
        (
          await db.sql.query<{ n: string }>(
            `SELECT count(*) AS n FROM jobs WHERE status IN ('queued', 'running')`,
          )
        )[0].n,
      );
      if (unfinished > 0) await new Promise((r) => setTimeout(r, 200));
    }
    // At rest: an admission lease (a block of a busy key's credits) goes back once idle for 0.5 s.
    for (let wait = 0; wait < 50; wait++) {
      const [{ n }] = await db.sql.query<{ n: string }>('SELECT count(*) AS n FROM admission_leases');
      if (Number(n) === 0) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    const ledger = await db.sql.query<{ name: string; balance: string; ledger_sum: string }>(
      `SELECT t.name, t.balance::text AS balance, COALESCE(SUM(l.amount), 0)::numeric(18,3)::text AS ledger_sum
         FROM tenants t LEFT JOIN ledger_entries l ON l.tenant_id = t.id GROUP BY t.id, t.name, t.balance`,
    );
    const sorted = [...health].sort((a, b) => a - b);
    const p99 = sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * 0.99))];
    process.stdout.write(
      `fuzz: ${cases.length} cases (seed ${SEED}); HTTP ${[...statuses]
        .sort(([a], [b]) => a - b)
        .map(([s, n]) => `${s}×${n}`)
        .join(' ')}; ` +
        `/healthz ${health.length} polls, p99 ${p99?.toFixed(1)} ms, max ${sorted.at(-1)?.toFixed(1)} ms; ${ledger.length} tenants\n`,
    );

    expect(problems).toEqual([]);
    expect(unfinished).toBe(0);
    expect(ledger.filter((t) => t.balance !== t.ledger_sum)).toEqual([]);
    // Hostile input was met with answers, not silence: most cases were refused, some accepted.
    expect(statuses.get(422) ?? 0).toBeGreaterThan(CASES / 10);
    expect((statuses.get(200) ?? 0) + (statuses.get(202) ?? 0)).toBeGreaterThan(0);
    expect(health.every((ms) => Number.isFinite(ms))).toBe(true);
  }, 600_000);
});
