// The no-op worker of the gateway bench, in a process of its own so that its CPU is not counted
// as the gateway's: the real JobRunner's database and bus steps on JetStream (start, succeed,
// `ended` event), no engine. Started by run.mjs over IPC; not meant to be run by hand.
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const require = createRequire(join(ROOT, 'apps', 'worker', 'package.json'));
const { openPostgresDatabase, JobsRepository } = require('@easel/db');
const { JetStreamJobBus } = require('@easel/jobs');
const { DIFFUSION_SERVICE, decodeJobPayload, encodeEvent, JOB_ENDED } = require('@easel/contracts');

const options = JSON.parse(process.env.BENCH_OPTIONS ?? '{}');
const url = new URL(options.databaseUrl);
url.searchParams.set('application_name', `${options.applicationPrefix}worker`);
const db = await openPostgresDatabase({ url: url.toString(), maxConnections: options.pool ?? 10 });
const bus = await JetStreamJobBus.connect({ servers: process.env.NATS_URL, streamPrefix: options.streamPrefix });
const jobs = new JobsRepository(db.prisma, db.sql);
const settled = { jobs: 0, ms: 0 };

const consumer = await bus.consume(
  DIFFUSION_SERVICE,
  'default',
  async (delivery) => {
    const started = performance.now();
    const payload = decodeJobPayload(delivery.payload);
    if (!(await jobs.start(payload.jobId))) return;
    const params = payload.params ?? {};
    const result = {
      seeds: [params.seed ?? 0],
      width: params.width ?? 64,
      height: params.height ?? 64,
      modelId: payload.modelId,
      scheduler: 'DPMSolverMultistepScheduler',
      generationTime: 0,
      nsfwContentDetected: false,
      timings: {},
    };
    if (await jobs.succeed(payload.jobId, result, [])) {
      await bus.publishEvent({ jobId: String(payload.jobId), type: JOB_ENDED, data: encodeEvent({ status: 'success' }) });
    }
    settled.jobs++;
    settled.ms += performance.now() - started;
  },
  { concurrency: options.workerConcurrency ?? 8, ackWaitMs: 60_000, maxDeliver: 3 },
);

process.on('message', async (message) => {
  if (message === 'stats') process.send({ type: 'stats', ...settled });
  if (message !== 'stop') return;
  await consumer.drain();
  await bus.close();
  await db.close();
  process.disconnect();
});
process.send({ type: 'ready', pid: process.pid });
