import { applyMigrations, JobsRepository, LedgerRepository, openEmbeddedDatabase, type Database } from '@easel/db';
import { InProcessJobBus } from '@easel/jobs';
import { loadConfig } from '@easel/config';
import type { DiffusionParams } from '@easel/contracts';
import { QueueUnavailableError } from '../common/api-errors';
import { JobsService } from './jobs.service';

describe('JobsService.submit when the bus is down', () => {
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
    const service = new JobsService(db, bus, loadConfig({}));
    const ledger = new LedgerRepository(db.prisma);
    const tenantId = (await db.prisma.tenant.create({ data: { name: 'bus-down' } })).id;
    await ledger.grant(tenantId, 10);
    const params: DiffusionParams = {
      kind: 'text2img', prompt: 'a red circle', negativePrompt: null, width: null, height: null, samples: 1, steps: 2, guidanceScale: 7.5, seed: 1,
      scheduler: null, useKarrasSigmas: false, algorithmType: null, clipSkip: 1, strength: null, initImage: null, maskImage: null, outputFormat: 'png', temp: false,
    };
    const request = { params: { ...params }, artifactToken: 't', outputs: 1, extension: 'png' };
    const error = await service.submit({ tenantId, service: 'diffusion', kind: 'text2img', request, price: 4 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(QueueUnavailableError);
    expect((error as QueueUnavailableError).httpStatus).toBe(503);
    const job = await new JobsRepository(db.prisma).get((error as QueueUnavailableError).jobId);
    expect(job).toMatchObject({ status: 'failed' });
    expect(await ledger.balance(tenantId)).toBe('10.000');
    await bus.close();
  });
});
