import {
  applyMigrations,
  JobsRepository,
  LedgerRepository,
  openEmbeddedDatabase,
  type Database,
} from '@easel/db';
import { InProcessJobBus } from '@easel/jobs';
import { loadConfig } from '@easel/config';
import { diffusionParams } from '@easel/contracts';
import { QueueUnavailableError } from '../common/api-errors';
import { AdmissionLeasesService } from './admission-leases.service';
import { JobsService } from './jobs.service';
import { PoolRouter } from './pool-router';

const config = loadConfig({});
const params = diffusionParams({ prompt: 'a red circle', steps: 2, seed: 1 });

describe('JobsService when the bus or the database fails', () => {
  let db: Database;
  beforeAll(async () => {
    db = await openEmbeddedDatabase();
    await applyMigrations(db.sql);
  });
  afterAll(() => db.close());

  it('fails the job, gives the credits back and answers 503 instead of leaving a charged row queued', async () => {
    const bus = new InProcessJobBus();
    bus.publish = async () => {
      throw new Error('NATS connection closed');
    };
    const service = new JobsService(db, bus, config, new PoolRouter(config, { find: async () => null }), new AdmissionLeasesService(db));
    const ledger = new LedgerRepository(db.prisma);
    const tenantId = (await db.prisma.tenant.create({ data: { name: 'bus-down' } })).id;
    await ledger.grant(tenantId, 10);
    const request = { params: { ...params }, artifactToken: 't', outputs: 1, extension: 'png' };
    const error = await service
      .submit({ tenantId, service: 'diffusion', kind: 'text2img', request, price: 4 })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(QueueUnavailableError);
    expect((error as QueueUnavailableError).httpStatus).toBe(503);
    const job = await new JobsRepository(db.prisma).get((error as QueueUnavailableError).jobId);
    expect(job).toMatchObject({ status: 'failed' });
    expect(await ledger.balance(tenantId)).toBe('10.000');
    await bus.close();
  });

  it('an accepted job whose event subscription fails (NATS reconnecting) is still waited for, by reading its row', async () => {
    const bus = new InProcessJobBus();
    bus.subscribeEvents = async () => {
      throw new Error('CONNECTION_DRAINING');
    };
    const service = new JobsService(db, bus, config, new PoolRouter(config, { find: async () => null }), new AdmissionLeasesService(db));
    const ledger = new LedgerRepository(db.prisma);
    const jobs = new JobsRepository(db.prisma);
    const tenantId = (await db.prisma.tenant.create({ data: { name: 'events-down' } })).id;
    await ledger.grant(tenantId, 10);
    const request = { params: { prompt: 'x' }, artifactToken: 't2', outputs: 1, extension: 'png' };
    const { job } = await jobs.submit({
      tenantId,
      service: 'diffusion',
      kind: 'text2img',
      request: request as never,
      price: 1,
    });

    // Unfinished through the whole window: the answer is the row as it is (processing), not an error.
    await expect(service.waitForEnd(job.id, 300)).resolves.toMatchObject({ id: job.id, status: 'queued' });

    // Ends half-way through the window: the wait notices without any event.
    setTimeout(() => void jobs.start(job.id).then(() => jobs.succeed(job.id, {}, [])), 150);
    const startedAt = Date.now();
    const ended = await service.waitForEnd(job.id, 20_000);
    expect(ended).toMatchObject({ status: 'success' });
    expect(Date.now() - startedAt).toBeLessThan(10_000); // it did not sit out the whole window
    await bus.close();
  });

  it('a job that was written though its submit answered an error (the connection cut) is still queued, once', async () => {
    const bus = new InProcessJobBus();
    const published: string[] = [];
    const publish = bus.publish.bind(bus);
    bus.publish = async (message) => {
      const result = await publish(message);
      if (!result.duplicate) published.push(message.id);
      return result;
    };
    const admission = new AdmissionLeasesService(db);
    const service = new JobsService(db, bus, config, new PoolRouter(config, { find: async () => null }), admission);
    const ledger = new LedgerRepository(db.prisma);
    const tenantId = (await db.prisma.tenant.create({ data: { name: 'answer-lost' } })).id;
    await ledger.grant(tenantId, 10);
    const request = { params: { ...params }, artifactToken: 't3', outputs: 1, extension: 'png' };
    const input = { tenantId, service: 'diffusion', kind: 'text2img', request, price: 1 };

    // An accepted job first: published by its own submit, not again by the sweep.
    const { job: accepted } = await service.submit(input);
    const submit = admission.submit.bind(admission);
    admission.submit = async (job) => {
      await submit(job);
      throw new Error('Connection terminated unexpectedly');
    };
    await expect(service.submit(input)).rejects.toThrow('Connection terminated');
    const rows = await db.prisma.job.findMany({ where: { tenantId }, orderBy: { id: 'asc' } });
    expect(rows.map((r) => r.status)).toEqual(['queued', 'queued']);
    const lost = rows[1]!.id;
    expect(published).toEqual([String(accepted.id)]);

    for (let waited = 0; published.length < 2 && waited < 10_000; waited += 100) await new Promise((r) => setTimeout(r, 100));
    expect(published).toEqual([String(accepted.id), String(lost)]);
    service.onModuleDestroy();
    await bus.close();
  });
});
