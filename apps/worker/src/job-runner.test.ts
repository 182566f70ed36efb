import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeEvent, diffusionParams, encodeJobPayload, JOB_ENDED, type JobPayload } from '@easel/contracts';
import { applyMigrations, JobsRepository, LedgerRepository, openEmbeddedDatabase, type Database } from '@easel/db';
import { InProcessJobBus, type JobEvent } from '@easel/jobs';
import { LocalArtifactStore } from '@easel/storage';
import { eventually } from '@easel/testing';
import { JobRunner } from './job-runner';
import { PermanentJobError, type JobContext, type JobOutput, type ServiceHandler } from './service-handler';

/** A service whose behaviour each test scripts. */
class ScriptedHandler implements ServiceHandler {
  readonly service = 'scripted';
  runs = 0;
  constructor(private readonly script: (attempt: number, context: JobContext) => Promise<JobOutput>) {}
  run(_payload: JobPayload, context: JobContext) {
    return this.script(++this.runs, context);
  }
}

const params = diffusionParams({ prompt: 'a red circle', steps: 2, seed: 1 });

const png = (n: number): JobOutput => ({ result: { n }, files: [{ body: Buffer.from(`image-${n}`), contentType: 'image/png', extension: 'png' }] });

describe('JobRunner', () => {
  let db: Database;
  let jobs: JobsRepository;
  let ledger: LedgerRepository;
  let bus: InProcessJobBus;
  let store: LocalArtifactStore;
  let dir = '';
  let tenantId = '';
  let runner: JobRunner | undefined;
  const ended: JobEvent[] = [];

  beforeAll(async () => {
    db = await openEmbeddedDatabase();
    await applyMigrations(db.sql);
    jobs = new JobsRepository(db.prisma);
    ledger = new LedgerRepository(db.prisma);
  });
  afterAll(() => db.close());
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'easel-runner-'));
    store = new LocalArtifactStore(dir);
    bus = new InProcessJobBus();
    ended.length = 0;
    await bus.subscribeEvents('*', (e) => e.type === JOB_ENDED && ended.push(e));
    tenantId = (await db.prisma.tenant.create({ data: { name: `t${Math.random()}` } })).id;
    await ledger.grant(tenantId, 10);
  });
  afterEach(async () => {
    await runner?.stop(100);
    await bus.close();
    await rm(dir, { recursive: true, force: true });
  });

  async function start(handler: ServiceHandler, maxDeliver = 3) {
    runner = new JobRunner({ bus, jobs, store, handler, pool: 'default', concurrency: 1, ackWaitMs: 5_000, maxDeliver });
    await runner.start();
    // The gateway's part: a dead-lettered job fails and releases its credits.
    bus.onDeadLetter(async (message) => void (await jobs.fail(Number(message.id), 'dead letter')));
  }

  async function submit(price = 2) {
    const { job } = await jobs.submit({ tenantId, service: 'scripted', kind: 'text2img', request: {}, price });
    const payload: JobPayload = { jobId: job.id, tenantId, kind: 'text2img', modelId: null, artifactToken: `tok${job.id}`, params };
    await bus.publish({ id: String(job.id), service: 'scripted', pool: 'default', payload: encodeJobPayload(payload) });
    return job.id;
  }

  it('settles a job as success with its files stored and linked, and announces the end', async () => {
    await start(new ScriptedHandler(async () => png(1)));
    const id = await submit();
    await eventually(async () => expect((await jobs.get(id))?.status).toBe('success'));
    const job = await jobs.getForTenant(id, tenantId);
    expect(job?.artifacts).toEqual([expect.objectContaining({ index: 0, token: `tok${id}.0`, storageKey: `${tenantId}/${id}/0.png` })]);
    expect((await store.getBuffer(`${tenantId}/${id}/0.png`)).toString()).toBe('image-1');
    expect(decodeEvent(ended[0].data)).toEqual({ status: 'success' });
    expect(await ledger.balance(tenantId)).toBe('8.000');
  });

  it('fails a job at once on a permanent error and gives its credits back', async () => {
    const handler = new ScriptedHandler(async () => {
      throw new PermanentJobError('The init image could not be downloaded', 'init_image');
    });
    await start(handler);
    const id = await submit();
    await eventually(async () => expect((await jobs.get(id))?.status).toBe('failed'));
    expect((await jobs.get(id))?.error).toBe('The init image could not be downloaded');
    expect(handler.runs).toBe(1);
    expect(await ledger.balance(tenantId)).toBe('10.000');
  });

  it('retries a transient failure and succeeds on a later delivery', async () => {
    const handler = new ScriptedHandler(async (attempt) => {
      if (attempt === 1) throw new Error('GPU hiccup');
      return png(attempt);
    });
    await start(handler);
    const id = await submit();
    await eventually(async () => expect((await jobs.get(id))?.status).toBe('success'), 10_000);
    expect((await jobs.get(id))?.attempts).toBe(2);
  });

  it('gives up after the last delivery: the job fails and its credits return', async () => {
    const handler = new ScriptedHandler(async () => {
      throw new Error('always broken');
    });
    await start(handler, 2);
    const id = await submit();
    await eventually(async () => expect((await jobs.get(id))?.status).toBe('failed'), 10_000);
    expect(handler.runs).toBe(2);
    expect(await ledger.balance(tenantId)).toBe('10.000');
  });

  it('never runs a job that has already ended (a late duplicate delivery)', async () => {
    const handler = new ScriptedHandler(async () => png(1));
    await start(handler);
    const { job } = await jobs.submit({ tenantId, service: 'scripted', kind: 'text2img', request: {}, price: 1 });
    await jobs.fail(job.id, 'cancelled by the client');
    await bus.publish({ id: String(job.id), service: 'scripted', pool: 'default', payload: encodeJobPayload({ jobId: job.id, tenantId, kind: 'text2img', modelId: null, artifactToken: 't', params }) });
    await new Promise((r) => setTimeout(r, 300));
    expect(handler.runs).toBe(0);
  });

  it('fails a job whose message is not a JobPayload (no retry, credits back) and goes on with the next', async () => {
    const handler = new ScriptedHandler(async () => png(1));
    await start(handler);
    const { job } = await jobs.submit({ tenantId, service: 'scripted', kind: 'text2img', request: {}, price: 2 });
    await bus.publish({ id: String(job.id), service: 'scripted', pool: 'default', payload: new TextEncoder().encode('{"jobId":1}') });
    await eventually(async () => expect((await jobs.get(job.id))?.status).toBe('failed'));
    expect((await jobs.get(job.id))?.error).toMatch(/^malformed job payload: /);
    await eventually(() => expect(ended.map((e) => decodeEvent(e.data))).toEqual([{ status: 'failed' }]));
    expect(await ledger.balance(tenantId)).toBe('10.000');
    expect(handler.runs).toBe(0);

    const next = await submit();
    await eventually(async () => expect((await jobs.get(next))?.status).toBe('success'));
    expect(await bus.pending('scripted', 'default')).toBe(0);
  });

  it('on shutdown cancels a running job and leaves it running in the database, to be resumed', async () => {
    await start(
      new ScriptedHandler(
        (_attempt, context) =>
          new Promise((_resolve, reject) => {
            context.progress(1, 10);
            context.signal.addEventListener('abort', () => reject(new Error('cancelled')));
          }),
      ),
    );
    const id = await submit();
    await eventually(async () => expect((await jobs.get(id))?.status).toBe('running'));
    await runner!.stop(50);
    runner = undefined;
    expect((await jobs.get(id))?.status).toBe('running');
    expect(await ledger.balance(tenantId)).toBe('8.000');
  });
});
