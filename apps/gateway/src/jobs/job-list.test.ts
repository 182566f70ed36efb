import type { JobRunner } from '@easel/worker';
import { startScriptedWorker } from '../testing/scripted-worker';
import {
  openTestDatabase,
  startTestGateway,
  type TestDatabase,
  type TestGateway,
} from '../testing/test-gateway';
import type { JobList, JobListItem } from './job-list.service';

type Body = Record<string, any>;

describe.each(['postgres', 'embedded'] as const)('GET /api/v3/jobs on %s', (kind) => {
  let database: TestDatabase;
  let harness: TestGateway;
  let worker: JobRunner | undefined;
  let base: string;
  let key: string;
  let rivalKey: string;
  /** Ids of the admin tenant's jobs, oldest first. */
  const mine: number[] = [];
  const theirs: number[] = [];

  const post = async (path: string, body: Body): Promise<Body> =>
    (
      await fetch(`${base}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      })
    ).json() as Promise<Body>;
  const list = async (query: string, withKey = key) => {
    const response = await fetch(`${base}/api/v3/jobs${query}`, {
      headers: { authorization: `Bearer ${withKey}` },
    });
    return { status: response.status, body: (await response.json()) as Body };
  };
  /** Every page, following next_cursor. */
  const listAll = async (withKey: string, limit: number) => {
    const items: JobListItem[] = [];
    let query = `?limit=${limit}`;
    for (let pages = 0; pages < 50; pages++) {
      const { status, body } = await list(query, withKey);
      expect(status).toBe(200);
      const page = body as JobList;
      expect(page.jobs.length).toBeLessThanOrEqual(limit);
      items.push(...page.jobs);
      if (page.next_cursor === null) return items;
      query = `?limit=${limit}&cursor=${page.next_cursor}`;
    }
    throw new Error('next_cursor never ended');
  };
  const waitEnded = async (id: number, withKey = key) => {
    for (;;) {
      const body = await post(`/api/v3/fetch/${id}`, { key: withKey });
      if (body.status !== 'processing') return body;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  };

  beforeAll(async () => {
    database = await openTestDatabase(kind);
    harness = await startTestGateway({ db: database.db });
    base = await harness.gateway.listen(0, '127.0.0.1');
    key = harness.gateway.bootstrap.adminKey!;
    const admin = (path: string, body: Body) => post(`/api/v1/enterprise/${path}`, { key, ...body });
    const tenant = await admin('tenants/create', { name: 'rival', credits: 100 });
    rivalKey = (await admin('keys/create', { tenant_id: tenant.tenant.id, name: 'rival app' })).api_key;
    // No worker yet: every job is queued. Prompts with "fail" fail once the worker runs.
    for (const prompt of ['a red circle', 'a blue square', 'a green triangle, fail', 'a yellow star']) {
      mine.push((await post('/api/v3/text2img', { key, prompt, track_id: `t-${mine.length}` })).id);
    }
    for (const prompt of ['their circle', 'their square']) {
      theirs.push((await post('/api/v3/text2img', { key: rivalKey, prompt })).id);
    }
    mine.push((await post('/api/v3/text2img', { key, prompt: 'a purple heart' })).id);
  }, 60_000);
  afterAll(async () => {
    await worker?.stop(1_000);
    await harness?.close();
    await database?.close();
  });

  it('lists queued jobs as processing, newest first, with their fetch link and no output yet', async () => {
    const { status, body } = await list('');
    expect(status).toBe(200);
    expect(body.jobs.map((j: JobListItem) => j.id)).toEqual([...mine].reverse());
    expect(body.next_cursor).toBeNull();
    const newest = body.jobs[0] as JobListItem;
    expect(newest).toMatchObject({
      kind: 'text2img',
      status: 'processing',
      output: [],
      thumbnail: null,
      meta: {},
      finished_at: null,
    });
    expect(newest.fetch_result).toBe((await post(`/api/v3/fetch/${newest.id}`, { key })).fetch_result);
    expect(Date.parse(newest.created_at)).not.toBeNaN();
  });

  it('shows each ended job as fetch does: its output links, thumbnail, meta, error, track_id', async () => {
    worker = await startScriptedWorker(harness);
    const fetched = new Map<number, Body>();
    for (const id of mine) fetched.set(id, await waitEnded(id));
    for (const id of theirs) await waitEnded(id, rivalKey);
    const items = await listAll(key, 10);
    expect(items.map((j) => j.id)).toEqual([...mine].reverse());
    for (const item of items) {
      const answer = fetched.get(item.id)!;
      expect([item.id, item.status]).toEqual([item.id, answer.status]);
      if (answer.status === 'success') {
        expect(item.output).toEqual(answer.proxy_links);
        expect(item.output).toHaveLength(1);
        expect(item.thumbnail).toBe(item.output[0]);
        expect(item.meta).toEqual(answer.meta);
        expect(item.meta.prompt).toBeDefined();
        expect(Date.parse(item.finished_at!)).toBeGreaterThanOrEqual(Date.parse(item.created_at));
      } else {
        expect(item).toMatchObject({ status: 'failed', output: [], thumbnail: null, error: answer.error });
      }
    }
    expect(items.find((j) => j.id === mine[1])!.track_id).toBe('t-1');
    // The thumbnail is a link anyone with it may open (the output controller), and it is the PNG.
    const image = await fetch(`${base}${new URL(items[0].thumbnail!).pathname}`);
    expect([image.status, image.headers.get('content-type')]).toEqual([200, 'image/png']);
  });

  it('pages by cursor: every job once, in order, whatever the page size', async () => {
    const everything = [...mine].reverse();
    for (const limit of [1, 2, 3, 100]) {
      expect([limit, (await listAll(key, limit)).map((j) => j.id)]).toEqual([limit, everything]);
    }
    const first = await list('?limit=2');
    // A job submitted after the first page does not shift the next one.
    const newer = (await post('/api/v3/text2img', { key, prompt: 'a late arrival' })).id;
    const second = await list(`?limit=2&cursor=${first.body.next_cursor}`);
    expect(second.body.jobs.map((j: JobListItem) => j.id)).toEqual(everything.slice(2, 4));
    await waitEnded(newer);
    mine.push(newer);
  });

  it("never shows another tenant's jobs, even with that tenant's cursor", async () => {
    const rival = await listAll(rivalKey, 1);
    expect(rival.map((j) => j.id)).toEqual([...theirs].reverse());
    const page = await list('?limit=1');
    const withMyCursor = await list(`?limit=100&cursor=${page.body.next_cursor}`, rivalKey);
    expect(withMyCursor.status).toBe(200);
    expect(
      withMyCursor.body.jobs.map((j: JobListItem) => j.id).filter((id: number) => mine.includes(id)),
    ).toEqual([]);
    const mineListed = (await listAll(key, 100)).map((j) => j.id);
    expect(mineListed.filter((id) => theirs.includes(id))).toEqual([]);
  });

  it('takes the key as a query parameter too (a link a browser opens)', async () => {
    const response = await fetch(`${base}/api/v3/jobs?limit=1&key=${key}`);
    expect(response.status).toBe(200);
    expect(((await response.json()) as JobList).jobs[0].id).toBe(mine.at(-1));
  });

  it.each([
    ['?limit=0', { limit: ['The limit field must be between 1 and 100.'] }],
    ['?limit=101', { limit: ['The limit field must be between 1 and 100.'] }],
    ['?limit=ten', { limit: ['The limit field must be an integer.'] }],
    ['?limit=1&limit=2', { limit: ['The limit field must be an integer.'] }],
    ['?cursor=not-a-cursor', { cursor: ['The cursor must be a next_cursor this endpoint returned.'] }],
    [`?cursor=${'A'.repeat(65)}`, { cursor: ['The cursor must not be greater than 64 characters.'] }],
    [
      `?cursor=${Buffer.from('2026-01-01T00:00:00.000Z~x').toString('base64url')}&limit=-1`,
      {
        limit: ['The limit field must be between 1 and 100.'],
        cursor: ['The cursor must be a next_cursor this endpoint returned.'],
      },
    ],
  ])('answers %s with 422 naming the field', async (query, message) => {
    expect(await list(query)).toEqual({ status: 422, body: { status: 'error', message } });
  });

  it.each(['?limit=1.5', '?limit=1e400', '?limit=%00', '?cursor=%F0%9F', '?cursor=%00'])(
    'answers the odd query %s with 422 in the dialect, never a 5xx',
    async (query) => {
      const { status, body } = await list(query);
      expect([status, body.status, typeof body.message]).toEqual([422, 'error', 'object']);
    },
  );

  it('answers a wrong or missing key with "Invalid Api Key"', async () => {
    const wrong = await list('', 'esk_wrong');
    expect([wrong.status, wrong.body.message]).toEqual([401, 'Invalid Api Key']);
    const none = await fetch(`${base}/api/v3/jobs`);
    expect(none.status).toBe(401);
  });
});
