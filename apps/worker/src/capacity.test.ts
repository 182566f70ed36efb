import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { create } from '@bufbuild/protobuf';
import * as grpc from '@grpc/grpc-js';
import { diffusionParams, diffusionv1, encodeJobPayload } from '@easel/contracts';
import { applyMigrations, JobsRepository, LedgerRepository, openEmbeddedDatabase, type Database } from '@easel/db';
import { DiffusionEngine } from '@easel/engine-diffusion';
import { InProcessJobBus } from '@easel/jobs';
import { LocalArtifactStore } from '@easel/storage';
import { eventually } from '@easel/testing';
import { GenerationSlots } from './generation-slots';
import { grpcServiceDefinition, startGrpcServer, type GrpcServerHandle } from './grpc';
import { bundledServiceOptions } from './grpc/test-helpers';
import { JobRunner } from './job-runner';
import type { ServiceHandler } from './service-handler';

const params = diffusionParams({ prompt: 'a red circle', steps: 2, seed: 1 });

/** The worker's wiring (worker.ts): its bus jobs and its gRPC service share one GenerationSlots. */
describe('capacity of a worker running bus jobs', () => {
  let db: Database;
  let dir: string;
  let bus: InProcessJobBus;
  let engine: DiffusionEngine;
  let server: GrpcServerHandle;
  let service: ReturnType<typeof bundledServiceOptions>;
  let runner: JobRunner;
  let client: any;
  let finishJob: () => void = () => undefined;
  const slots = new GenerationSlots(1);

  /** A job that runs until the test lets it finish. */
  const handler: ServiceHandler = {
    service: 'capacity',
    run: () => new Promise((resolve) => (finishJob = () => resolve({ result: {}, files: [] }))),
  };

  beforeAll(async () => {
    db = await openEmbeddedDatabase();
    await applyMigrations(db.sql);
    dir = await mkdtemp(join(tmpdir(), 'easel-capacity-'));
    bus = new InProcessJobBus();
    engine = new DiffusionEngine({ intraOpNumThreads: 1 });
    service = bundledServiceOptions(engine, slots);
    server = await startGrpcServer({ port: 0, host: '127.0.0.1', diffusion: service.options });
    const Client = grpc.makeGenericClientConstructor(grpcServiceDefinition(diffusionv1.DiffusionService), 'DiffusionService');
    client = new Client(`127.0.0.1:${server.port}`, grpc.credentials.createInsecure());
    const jobs = new JobsRepository(db.prisma);
    runner = new JobRunner({ bus, jobs, store: new LocalArtifactStore(dir), handler, pool: 'default', concurrency: 1, ackWaitMs: 5_000, maxDeliver: 1, slots });
    await runner.start();
  });
  afterAll(async () => {
    finishJob();
    await runner?.stop(100);
    client?.close();
    await server?.close();
    await engine?.dispose();
    await service?.dispose();
    await bus?.close();
    await db?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  const capacity = () =>
    new Promise<diffusionv1.GetCapacityResponse>((resolve, reject) =>
      client.getCapacity(create(diffusionv1.GetCapacityRequestSchema), (error: grpc.ServiceError | null, res: diffusionv1.GetCapacityResponse) => (error ? reject(error) : resolve(res))),
    );
  const generateError = () =>
    new Promise<grpc.ServiceError | undefined>((resolve) => {
      const call = client.generate(create(diffusionv1.GenerateRequestSchema, { tenantId: 't', prompt: 'x', width: 128, height: 128, steps: 1 }));
      call.on('data', () => undefined);
      call.on('error', resolve);
      call.on('end', () => resolve(undefined));
    });

  it('reports a running bus job as a busy slot, refuses a direct Generate meanwhile, and frees the slot when the job ends', async () => {
    const tenantId = (await db.prisma.tenant.create({ data: { name: 'capacity' } })).id;
    await new LedgerRepository(db.prisma).grant(tenantId, 10);
    const { job } = await new JobsRepository(db.prisma).submit({ tenantId, service: 'capacity', kind: 'text2img', request: {}, price: 1 });
    expect(await capacity()).toMatchObject({ slotsTotal: 1, slotsBusy: 0 });

    await bus.publish({ id: String(job.id), service: 'capacity', pool: 'default', payload: encodeJobPayload({ jobId: job.id, tenantId, kind: 'text2img', modelId: null, artifactToken: 't', params }) });
    await eventually(async () => expect(await capacity()).toMatchObject({ slotsTotal: 1, slotsBusy: 1 }));
    const refused = await generateError();
    expect(refused?.code).toBe(grpc.status.RESOURCE_EXHAUSTED);

    finishJob();
    await eventually(async () => expect((await new JobsRepository(db.prisma).get(job.id))?.status).toBe('success'));
    expect(await capacity()).toMatchObject({ slotsTotal: 1, slotsBusy: 0 });
  });
});
