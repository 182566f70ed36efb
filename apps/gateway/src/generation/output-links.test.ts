import { S3ArtifactStore } from '@easel/storage';
import { eventually, startS3Server, type TestS3Server } from '@easel/testing';
import type { JobRunner } from '@easel/worker';
import { startScriptedWorker } from '../testing/scripted-worker';
import { openTestDatabase, startTestGateway, type TestDatabase, type TestGateway } from '../testing/test-gateway';

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47]);
const TEMP_TTL_S = 600;

interface Setup {
  database: TestDatabase;
  harness: TestGateway;
  worker: JobRunner;
  key: string;
}

async function start(kind: 'embedded' | 'postgres', options: { s3?: TestS3Server; env?: Record<string, string> } = {}): Promise<Setup> {
  const database = await openTestDatabase(kind);
  const store = options.s3
    ? await S3ArtifactStore.open({ endPoint: options.s3.endPoint, port: options.s3.port, accessKey: options.s3.accessKey, secretKey: options.s3.secretKey, bucket: 'links', createBucket: true })
    : undefined;
  const harness = await startTestGateway({ db: database.db, store, env: options.env });
  const worker = await startScriptedWorker(harness, { tempArtifactSeconds: TEMP_TTL_S });
  return { database, harness, worker, key: harness.gateway.bootstrap.adminKey! };
}

async function stop(setup: Setup | undefined): Promise<void> {
  await setup?.worker.stop(1_000);
  await setup?.harness.close();
  await setup?.database.close();
}

/** Submits a text2img job and waits until it succeeded: its id and output links. */
async function finishedJob(setup: Setup, fields: Record<string, unknown> = {}): Promise<{ id: number; links: string[] }> {
  const post = (url: string, body: Record<string, unknown>) =>
    setup.harness.gateway.app.inject({ method: 'POST', url, headers: { 'content-type': 'application/json' }, payload: JSON.stringify({ key: setup.key, ...body }) });
  const submitted = (await post('/api/v3/text2img', { prompt: `a red circle ${Math.random()}`, ...fields })).json();
  let links: string[] = [];
  await eventually(async () => {
    const fetched = (await post(`/api/v3/fetch/${submitted.id}`, {})).json();
    expect(fetched.status).toBe('success');
    links = fetched.output;
  });
  return { id: submitted.id, links };
}

const get = (setup: Setup, link: string) => setup.harness.gateway.app.inject({ method: 'GET', url: new URL(link).pathname });
const expireArtifactsOf = (setup: Setup, jobId: number, at: Date) => setup.harness.db.prisma.artifact.updateMany({ where: { jobId }, data: { expiresAt: at } });

describe('output links with the local store (embedded)', () => {
  let setup: Setup;
  beforeAll(async () => {
    setup = await start('embedded');
  }, 60_000);
  afterAll(() => stop(setup));

  it('serves a permanent link itself, cacheable for good', async () => {
    const { id, links } = await finishedJob(setup);
    const answer = await get(setup, links[0]);
    expect(answer.statusCode).toBe(200);
    expect(answer.headers['content-type']).toBe('image/png');
    expect(answer.headers['cache-control']).toContain('immutable');
    expect(answer.rawPayload.subarray(0, 4)).toEqual(PNG_SIGNATURE);
    expect((await setup.harness.db.prisma.artifact.findMany({ where: { jobId: id } })).map((a) => a.expiresAt)).toEqual([null]);
  });

  it('gives temp links the configured lifetime, uncached, and answers 410 in the error shape once it has passed', async () => {
    const before = Date.now();
    const { id, links } = await finishedJob(setup, { temp: 'yes' });
    const [artifact] = await setup.harness.db.prisma.artifact.findMany({ where: { jobId: id } });
    expect(artifact.expiresAt!.getTime()).toBeGreaterThanOrEqual(before + TEMP_TTL_S * 1000);
    expect(artifact.expiresAt!.getTime()).toBeLessThanOrEqual(Date.now() + TEMP_TTL_S * 1000);

    const live = await get(setup, links[0]);
    expect(live.statusCode).toBe(200);
    expect(live.headers['cache-control']).toBe('private, no-store');

    await expireArtifactsOf(setup, id, new Date(Date.now() - 1000));
    const gone = await get(setup, links[0]);
    expect(gone.statusCode).toBe(410);
    expect(gone.json()).toEqual({ status: 'error', message: 'Link expired' });
  });
});

describe('output links with the S3 store (PostgreSQL)', () => {
  let s3: TestS3Server;
  let setup: Setup;
  beforeAll(async () => {
    s3 = await startS3Server();
    setup = await start('postgres', { s3, env: { EASEL_SIGNED_URL_TTL_S: '120' } });
  }, 60_000);
  afterAll(async () => {
    await stop(setup);
    await s3?.stop();
  });

  it('answers a stable link with 302 to a fresh pre-signed GET URL that S3 honours', async () => {
    const { id, links } = await finishedJob(setup, { samples: 2 });
    const first = await get(setup, links[1]);
    expect(first.statusCode).toBe(302);
    expect(first.headers['cache-control']).toBe('private, no-store');
    const signed = new URL(String(first.headers.location));
    expect(`${signed.hostname}:${signed.port}`).toBe(`${s3.endPoint}:${s3.port}`);
    expect(signed.pathname).toMatch(new RegExp(`/links/[0-9a-f-]{36}/${id}/1\\.png$`));
    expect(signed.searchParams.get('X-Amz-Expires')).toBe('120');

    const image = await fetch(signed);
    expect(image.status).toBe(200);
    expect(Buffer.from(await image.arrayBuffer()).subarray(0, 4)).toEqual(PNG_SIGNATURE);
    // Without the signature the bucket refuses: the pre-signed URL is the only way in.
    expect((await fetch(`${signed.origin}${signed.pathname}`)).status).toBe(403);
  });

  it('never signs past a temp link\'s expiry, and answers 410 without a redirect after it', async () => {
    const { id, links } = await finishedJob(setup, { temp: true });
    await expireArtifactsOf(setup, id, new Date(Date.now() + 30_000));
    const live = await get(setup, links[0]);
    expect(live.statusCode).toBe(302);
    const expires = Number(new URL(String(live.headers.location)).searchParams.get('X-Amz-Expires'));
    expect(expires).toBeGreaterThan(0);
    expect(expires).toBeLessThanOrEqual(30);

    await expireArtifactsOf(setup, id, new Date(Date.now() - 1000));
    const gone = await get(setup, links[0]);
    expect(gone.statusCode).toBe(410);
    expect(gone.headers.location).toBeUndefined();
    expect(gone.json()).toEqual({ status: 'error', message: 'Link expired' });
  });
});
